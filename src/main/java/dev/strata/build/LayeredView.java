package dev.strata.build;

import dev.strata.context.ContextEntry;
import dev.strata.context.FileType;
import dev.strata.context.ImageView;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The image a COPY writes into, read straight from its unpacked layers (top first) without mounting
 * anything: a 0/0 character device hides a path, a directory marked opaque hides what is below it,
 * a file hides a lower directory. Enough for COPY's questions (does the destination exist, and as
 * what; /etc/passwd and /etc/group for --chown), and it needs no root.
 */
final class LayeredView implements ImageView {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private final List<Path> topFirst;
    private final java.util.concurrent.ConcurrentHashMap<Path, Boolean> opaque = new java.util.concurrent.ConcurrentHashMap<>();

    LayeredView(List<Path> lowerDirs) {
        List<Path> l = new ArrayList<>(lowerDirs);
        Collections.reverse(l);
        this.topFirst = List.copyOf(l);
    }

    @Override
    public Optional<ContextEntry> lstat(String absPath) {
        List<String> comps = components(absPath);
        if (comps.isEmpty()) {
            return topFirst.isEmpty() ? Optional.empty() : entry("", topFirst.get(0));
        }
        for (Path layer : topFirst) {
            Path p = layer;
            boolean opaqueAbove = false;
            boolean missing = false;
            for (int i = 0; i < comps.size(); i++) {
                Path next = p.resolve(comps.get(i));
                if (!Files.exists(next, NOFOLLOW)) {
                    missing = true;
                    break;
                }
                if (isWhiteout(next)) {
                    return Optional.empty();
                }
                if (i < comps.size() - 1) {
                    if (!Files.isDirectory(next, NOFOLLOW)) {
                        return Optional.empty(); // a file here hides the lower layers' directory
                    }
                    // opacity only matters when a layer below could show through
                    if (layer != topFirst.get(topFirst.size() - 1) && opaque.computeIfAbsent(next, LayeredView::isOpaque)) {
                        opaqueAbove = true;
                    }
                }
                p = next;
            }
            if (!missing) {
                return entry(String.join("/", comps), p);
            }
            if (opaqueAbove) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> readFile(String absPath) {
        String path = absPath;
        for (int hops = 0; hops < 40; hops++) {
            Optional<String> real = resolveParents(path);
            if (real.isEmpty()) {
                return Optional.empty();
            }
            Optional<ContextEntry> e = lstat(real.get());
            if (e.isEmpty()) {
                return Optional.empty();
            }
            if (e.get().type() == FileType.SYMLINK) {
                String target = e.get().linkTarget().orElse("");
                path = target.startsWith("/") ? target : parent(real.get()) + "/" + target;
                continue;
            }
            if (e.get().type() != FileType.REGULAR) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readString(e.get().file(), StandardCharsets.UTF_8));
            } catch (IOException ex) {
                throw StrataException.input("cannot read " + absPath + " in the image: " + ex.getMessage(), ex);
            }
        }
        return Optional.empty();
    }

    /** The path with symlinks in its directories resolved inside the image. */
    private Optional<String> resolveParents(String path) {
        List<String> done = new ArrayList<>();
        List<String> todo = new ArrayList<>(components(path));
        int hops = 0;
        while (todo.size() > 1) {
            String c = todo.remove(0);
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(c);
            Optional<ContextEntry> e = lstat("/" + String.join("/", done));
            if (e.isPresent() && e.get().type() == FileType.SYMLINK) {
                if (++hops > 40) {
                    return Optional.empty();
                }
                String target = e.get().linkTarget().orElse("");
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                todo.addAll(0, components(target));
            }
        }
        done.addAll(todo);
        return Optional.of("/" + String.join("/", done));
    }

    private static Optional<ContextEntry> entry(String rel, Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,size,lastModifiedTime", NOFOLLOW);
            int mode = (Integer) a.get("mode");
            FileType type = switch (mode & 0170000) {
                case 0040000 -> FileType.DIRECTORY;
                case 0120000 -> FileType.SYMLINK;
                case 0100000 -> FileType.REGULAR;
                default -> null;
            };
            if (type == null) {
                return Optional.empty();
            }
            FileTime t = (FileTime) a.get("lastModifiedTime");
            long nanos = t.toInstant().getEpochSecond() * 1_000_000_000L + t.toInstant().getNano();
            return Optional.of(new ContextEntry(rel, p, type, mode & 07777, type == FileType.REGULAR ? (Long) a.get("size") : 0,
                    nanos, (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("ino"),
                    type == FileType.SYMLINK ? Optional.of(Files.readSymbolicLink(p).toString()) : Optional.empty()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isWhiteout(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", NOFOLLOW);
            return (((Integer) a.get("mode")) & 0170000) == 0020000 && ((Long) a.get("rdev")) == 0L;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isOpaque(Path dir) {
        try {
            Process p = new ProcessBuilder("getfattr", "-h", "--only-values", "-n", "trusted.overlay.opaque",
                    dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && v.equals("y");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }

    private static String parent(String p) {
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "" : p.substring(0, slash);
    }
}
