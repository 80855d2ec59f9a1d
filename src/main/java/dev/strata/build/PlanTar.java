package dev.strata.build;

import dev.strata.context.CopyEntry;
import dev.strata.error.StrataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A COPY layer written straight from the copy plans, without a staging copy: every entry carries its
 * destination, kind, mode, owner, mtime and source file. This needs no root (owners are only written
 * into the tar) and is faster for many files. Plans holding an archive to extract go through the
 * staging directory instead ({@link #writable}).
 */
final class PlanTar {
    private PlanTar() {
    }

    /** True when every entry can be written directly (no ADD archive extraction). */
    static boolean writable(List<CopyEntry> entries) {
        return entries.stream().noneMatch(e -> e.kind() == CopyEntry.Kind.ARCHIVE);
    }

    /** The entries of several plans in order; a later entry for the same path replaces an earlier one. */
    static List<CopyEntry> merge(List<List<CopyEntry>> plans) {
        Map<String, CopyEntry> byDest = new LinkedHashMap<>();
        for (List<CopyEntry> p : plans) {
            for (CopyEntry e : p) {
                byDest.put(e.dest(), e);
            }
        }
        return List.copyOf(byDest.values());
    }

    static LayerTar.Written write(List<CopyEntry> entries, OutputStream out) {
        return LayerTar.write(t -> emit(entries, t), out, "the COPY plan");
    }

    private static void emit(List<CopyEntry> entries, TarArchiveOutputStream t) throws IOException {
        Set<String> symlinks = new HashSet<>();
        for (CopyEntry e : entries) {
            if (e.dest().equals("/")) {
                continue; // the root's metadata is never part of a layer
            }
            for (String d = parent(e.dest()); !d.equals("/"); d = parent(d)) {
                if (symlinks.contains(d)) {
                    throw StrataException.stepFailed("refusing to write " + e.dest() + " through the symlink " + d
                            + "; copy to the symlink's target path instead");
                }
            }
            String name = e.dest().substring(1);
            TarArchiveEntry te;
            switch (e.kind()) {
                case DIRECTORY -> te = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, true);
                case SYMLINK -> {
                    te = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
                    te.setLinkName(e.linkTarget().orElseThrow());
                    symlinks.add(e.dest());
                }
                case HARDLINK -> {
                    te = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
                    te.setLinkName(e.linkTarget().orElseThrow().replaceFirst("^/", ""));
                }
                case FILE -> {
                    te = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
                    te.setSize(Files.size(e.origin().orElseThrow().file()));
                }
                default -> throw new IllegalStateException("archives are staged, not written directly");
            }
            te.setMode(e.kind() == CopyEntry.Kind.SYMLINK ? 0777 : e.mode() & 07777);
            te.setUserId((long) e.uid());
            te.setGroupId((long) e.gid());
            te.setModTime(FileTime.from(Instant.ofEpochSecond(Math.floorDiv(e.mtimeNanos(), 1_000_000_000L))));
            t.putArchiveEntry(te);
            if (e.kind() == CopyEntry.Kind.FILE) {
                long size = te.getSize();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(e.origin().get().file()), 1 << 16)) {
                    long copied = in.transferTo(t);
                    if (copied != size) {
                        throw StrataException.stepFailed(e.origin().get().file() + " changed size while it was copied;"
                                + " run the build again");
                    }
                }
            }
            t.closeArchiveEntry();
        }
    }

    private static String parent(String p) {
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "/" : p.substring(0, slash);
    }
}
