package dev.strata.context;

import java.util.Optional;

/**
 * One thing a COPY/ADD puts into the image.
 *
 * @param kind    what to create
 * @param dest    absolute, cleaned path in the image ("/" for the root)
 * @param mode    permission bits (07777) it gets; unused for symlinks and archives
 * @param uid     owner; for an archive, -1 keeps the owners recorded in the archive
 * @param gid     group; -1 as for uid
 * @param mtimeNanos modification time it gets (ns since the epoch)
 * @param linkTarget the target of a symlink, or the image path a hard link points to
 * @param origin  the host file whose bytes are copied (FILE) or unpacked (ARCHIVE)
 * @param implied a parent directory that the copy only needs to exist (an existing one keeps the
 *                image's metadata, which this entry then repeats)
 */
public record CopyEntry(
        Kind kind,
        String dest,
        int mode,
        int uid,
        int gid,
        long mtimeNanos,
        Optional<String> linkTarget,
        Optional<ContextEntry> origin,
        boolean implied) {

    /** The kinds of entries. */
    public enum Kind {
        DIRECTORY,
        FILE,
        SYMLINK,
        /** a hard link to the FILE planned earlier at {@code linkTarget} (same source tree, same inode) */
        HARDLINK,
        /** a local tar archive (any supported compression) extracted into the directory {@code dest} */
        ARCHIVE
    }
}
