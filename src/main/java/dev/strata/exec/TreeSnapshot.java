package dev.strata.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What every entry of a tree looks like at one moment, for isolation {@code none}, which has no
 * overlay upper dir and finds a step's changes by comparing the tree before and after. The inode
 * and ctime are part of an entry: a write, chmod, chown or replace always changes one of them,
 * and no command can set ctime back, so an unchanged entry is one the step did not touch.
 *
 * @param root    the tree's directory
 * @param entries relative path (no leading '/') -> its state, in path order
 */
record TreeSnapshot(Path root, SortedMap<String, TreeSnapshot.Entry> entries) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;

    /** One entry's state: st_mode (type and permissions), owner, size, mtime and ctime (ns), inode. */
    record Entry(int mode, int uid, int gid, long size, long mtime, long ctime, long inode) {
        boolean directory() {
            return (mode & S_IFMT) == S_IFDIR;
        }
    }

    TreeSnapshot {
        entries = new TreeMap<>(entries);
    }

    /**
     * Records {@code root}, leaving out the paths (relative) in {@code skipped} and all below them:
     * what a runtime would mount over (/proc, /dev, /sys, /etc/hosts, RUN --mount targets), which
     * the step's layer never holds.
     */
    static TreeSnapshot take(Path root, Set<String> skipped) throws IOException {
        SortedMap<String, Entry> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, dir);
                if (rel.isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                if (skipped.contains(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                out.put(rel, entry(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, file);
                if (!skipped.contains(rel)) {
                    out.put(rel, entry(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new TreeSnapshot(root, out);
    }

    Optional<Entry> get(String path) {
        return Optional.ofNullable(entries.get(path));
    }

    static Entry entry(Path p) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
        return new Entry(
                (Integer) a.get("mode"),
                (Integer) a.get("uid"),
                (Integer) a.get("gid"),
                (Long) a.get("size"),
                nanos((FileTime) a.get("lastModifiedTime")),
                nanos((FileTime) a.get("ctime")),
                (Long) a.get("ino"));
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString();
    }
}
