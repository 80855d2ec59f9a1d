package dev.strata.context;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One entry of a build context (or of a source rootfs) as found on disk.
 *
 * @param path     path relative to the walked root, '/'-separated, no leading "./" ("" for the root)
 * @param file     the entry on the host
 * @param type     regular file, directory or symlink
 * @param mode     permission bits including setuid/setgid/sticky (07777)
 * @param size     size in bytes (0 for directories)
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param uid      owner on the host (docker resets it to 0 for context files)
 * @param gid      group on the host
 * @param inode    inode number, part of the content-digest cache key
 * @param linkTarget the target text of a symlink
 */
public record ContextEntry(
        String path,
        Path file,
        FileType type,
        int mode,
        long size,
        long mtimeNanos,
        int uid,
        int gid,
        long inode,
        Optional<String> linkTarget) {}
