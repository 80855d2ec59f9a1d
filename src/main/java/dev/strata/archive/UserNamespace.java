package dev.strata.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user namespace this process runs in, as /proc/self/uid_map and gid_map describe it. Rootless
 * strata runs as uid 0 of a namespace of its own (see docs/exec.md): there overlayfs keeps its
 * markers in {@code user.overlay.*} (trusted.* needs the initial namespace's CAP_SYS_ADMIN), and
 * ids the namespace does not map cannot be given to a file.
 *
 * @param uids the uid ranges, {inside, outside, count} each
 * @param gids the gid ranges
 */
public record UserNamespace(List<long[]> uids, List<long[]> gids) {
    private static final long FULL = 4294967295L;

    public UserNamespace {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }

    /** This process's namespace; the initial one when /proc cannot be read. */
    public static UserNamespace current() {
        return Holder.CURRENT;
    }

    /** Parses the text of a uid_map/gid_map pair. */
    public static UserNamespace parse(String uidMap, String gidMap) {
        return new UserNamespace(ranges(uidMap), ranges(gidMap));
    }

    /** Whether this is a namespace below the initial one (whose map is 0 0 4294967295). */
    public boolean nested() {
        return !(uids.size() == 1 && uids.get(0)[0] == 0 && uids.get(0)[1] == 0 && uids.get(0)[2] == FULL);
    }

    /** Whether {@code uid} can own a file here. */
    public boolean mapsUid(long uid) {
        return maps(uids, uid);
    }

    /** Whether {@code gid} can own a file here. */
    public boolean mapsGid(long gid) {
        return maps(gids, gid);
    }

    /** How many uids are mapped (1 for a single-uid namespace). */
    public long uidCount() {
        return uids.stream().mapToLong(r -> r[2]).sum();
    }

    /** The name of overlayfs's {@code name} marker (opaque, origin, ...) as a mount here writes it. */
    public String overlayXattr(String name) {
        return (nested() ? "user.overlay." : "trusted.overlay.") + name;
    }

    /** Whether {@code xattr} is one of overlayfs's own markers, in either namespace. */
    public static boolean isOverlayMarker(String xattr) {
        return xattr.startsWith("trusted.overlay.") || xattr.startsWith("user.overlay.");
    }

    private static boolean maps(List<long[]> ranges, long id) {
        for (long[] r : ranges) {
            if (id >= r[0] && id < r[0] + r[2]) {
                return true;
            }
        }
        return false;
    }

    private static List<long[]> ranges(String map) {
        List<long[]> out = new ArrayList<>();
        for (String line : map.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }

    /** Read once: a process cannot change its own user namespace's maps. */
    private static final class Holder {
        static final UserNamespace CURRENT = read();

        private static UserNamespace read() {
            try {
                return parse(
                        String.join("\n", Files.readAllLines(Path.of("/proc/self/uid_map"))),
                        String.join("\n", Files.readAllLines(Path.of("/proc/self/gid_map"))));
            } catch (IOException | RuntimeException e) {
                return parse("0 0 " + FULL, "0 0 " + FULL);
            }
        }
    }
}
