package dev.strata.context;

import dev.strata.oci.Digest;
import java.security.MessageDigest;
import java.util.List;

/**
 * Everything one COPY/ADD writes, in the order to write it (parents before children, later sources
 * after earlier ones). {@link Stager} materialises it; {@link #digest} names its content for the
 * step's cache key.
 */
public record CopyPlan(List<CopyEntry> entries) {
    public CopyPlan {
        entries = List.copyOf(entries);
    }

    /**
     * Digest over every entry's destination, kind, mode, owner, symlink target and content sha256 —
     * never mtimes or host paths, so touching a file does not invalidate the cache.
     */
    public Digest digest(ContentHasher hasher) {
        // hash file contents on all cores first; the fold below is sequential and ordered
        entries.parallelStream().flatMap(e -> e.origin().stream()).forEach(hasher::fileDigest);
        MessageDigest md = Digest.newSha256();
        for (CopyEntry e : entries) {
            String content =
                    e.origin().map(o -> hasher.fileDigest(o).toString()).orElse("");
            FileType type = switch (e.kind()) {
                case DIRECTORY -> FileType.DIRECTORY;
                case SYMLINK -> FileType.SYMLINK;
                default -> FileType.REGULAR;
            };
            String kind = e.kind() == CopyEntry.Kind.ARCHIVE ? "archive:" : "";
            ContentHasher.line(
                    md,
                    kind + e.dest(),
                    type,
                    e.mode(),
                    e.linkTarget().orElse(""),
                    content + ";" + e.uid() + ":" + e.gid() + (e.implied() ? ";implied" : ""));
        }
        return Digest.finish("sha256", md);
    }

    /** The total bytes of copied regular files (archives counted compressed). */
    public long bytes() {
        return entries.stream()
                .flatMap(e -> e.origin().stream())
                .mapToLong(ContextEntry::size)
                .sum();
    }
}
