package dev.strata.archive;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One entry of a layer described by the caller instead of read from a tree on disk, for
 * {@link LayerWriter#writeEntries}: COPY writes its plan straight into the layer this way, without
 * a staging copy and without needing root for the owners it records.
 *
 * @param name    path in the image without a leading or trailing '/' (e.g. {@code app/main.py})
 * @param type    what the entry is
 * @param mode    permission bits (07777); ignored for symlinks
 * @param uid     owner recorded in the tar
 * @param gid     group recorded in the tar
 * @param mtime   modification time, seconds since the epoch (clamped like tree entries)
 * @param content the host file whose bytes a FILE holds
 * @param link    a symlink's target, or the {@code name} of the FILE a HARDLINK shares
 */
public record LayerEntry(
        String name, Type type, int mode, int uid, int gid, long mtime, Optional<Path> content, Optional<String> link) {

    /** The kinds of entries a caller can describe. */
    public enum Type {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARDLINK
    }
}
