package dev.strata.archive;

import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One file of a tree as the layer writer sees it (package-private); {@code symlink} is a symlink's
 * target when it is not read from {@code path} (entries given by a caller, see {@link LayerEntry}).
 */
record TreeEntry(
        String name,
        Path path,
        int mode,
        int uid,
        int gid,
        long size,
        long mtime,
        long nlink,
        String inodeKey,
        int devMajor,
        int devMinor,
        SortedMap<String, byte[]> xattrs,
        boolean whiteout,
        Optional<String> symlink) {}
