package dev.strata.context;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a {@link CopyPlan} into a staging directory that stands for the image root: files with
 * their bytes, modes, owners and mtimes, directories, symlinks, extracted archives. The engine then
 * turns the staging directory into a layer. Nothing is ever written through a symlink, so a plan
 * cannot reach outside the staging directory. Owners need root (strata builds run as root).
 */
public final class Stager {
    private Stager() {}

    /** Materialises {@code plan} under {@code stagingRoot} (created if missing). */
    public static void stage(CopyPlan plan, Path stagingRoot) {
        Path root = stagingRoot.toAbsolutePath().normalize();
        List<Object[]> times = new ArrayList<>();
        List<CopyEntry> batch = new ArrayList<>();
        Set<String> pendingLinks = new HashSet<>();
        try {
            Files.createDirectories(root);
            for (CopyEntry e : plan.entries()) {
                Path target = target(root, e);
                checkNoSymlinkParents(root, target);
                for (String d = GoPath.dir(e.dest()); !d.equals("/"); d = GoPath.dir(d)) {
                    if (pendingLinks.contains(d)) {
                        throw StrataException.stepFailed("refusing to write " + e.dest() + " through the symlink " + d
                                + "; copy to the symlink's target path instead");
                    }
                }
                if (!target.equals(root)) {
                    mkdirs(root, target.getParent());
                }
                switch (e.kind()) {
                    case DIRECTORY -> {
                        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                            deleteTree(target);
                            Files.createDirectory(target);
                        }
                        setMeta(target, e.mode(), e.uid(), e.gid());
                    }
                    case FILE, SYMLINK, HARDLINK -> {
                        batch.add(e);
                        if (e.kind() == CopyEntry.Kind.SYMLINK) {
                            pendingLinks.add(e.dest());
                        }
                    }
                    case ARCHIVE -> {
                        // an archive may overwrite what came before it: write that first
                        flush(root, batch);
                        pendingLinks.clear();
                        Archives.extract(
                                e.origin().orElseThrow().file(),
                                target,
                                e.uid() < 0 ? Optional.empty() : Optional.of(new Owner(e.uid(), e.gid())),
                                e.mtimeNanos() < 0 ? Optional.empty() : Optional.of(e.mtimeNanos()));
                    }
                }
                if (e.kind() != CopyEntry.Kind.ARCHIVE) {
                    times.add(new Object[] {target, e.mtimeNanos()});
                }
            }
            flush(root, batch);
            // children first: writing into a directory changes its mtime
            for (int i = times.size() - 1; i >= 0; i--) {
                setTime((Path) times.get(i)[0], (Long) times.get(i)[1]);
            }
        } catch (IOException ex) {
            throw StrataException.environment(
                    "cannot write the COPY staging directory " + root + ": " + ex.getMessage()
                            + "; check free disk space",
                    ex);
        }
    }

    private static Path target(Path root, CopyEntry e) {
        return e.dest().equals("/") ? root : root.resolve(e.dest().substring(1));
    }

    /** Writes queued files and symlinks on all cores: their parents exist and no two share a path. */
    private static void flush(Path root, List<CopyEntry> batch) throws IOException {
        try {
            batch.parallelStream()
                    .filter(e -> e.kind() != CopyEntry.Kind.HARDLINK)
                    .forEach(e -> {
                        try {
                            write(target(root, e), e);
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    });
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
        // hard links last: their targets are written above
        for (CopyEntry e : batch) {
            if (e.kind() == CopyEntry.Kind.HARDLINK) {
                Path target = target(root, e);
                Path existing = target(
                        root,
                        new CopyEntry(
                                e.kind(),
                                e.linkTarget().orElseThrow(),
                                0,
                                0,
                                0,
                                0,
                                Optional.empty(),
                                Optional.empty(),
                                false));
                checkNoSymlinkParents(root, existing);
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw StrataException.stepFailed("cannot replace directory " + e.dest() + " with a hard link");
                }
                Files.deleteIfExists(target);
                Files.createLink(target, existing);
            }
        }
        batch.clear();
    }

    private static void write(Path target, CopyEntry e) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw StrataException.stepFailed("cannot replace directory " + e.dest() + " with a "
                    + (e.kind() == CopyEntry.Kind.FILE ? "file" : "symlink"));
        }
        Files.deleteIfExists(target);
        if (e.kind() == CopyEntry.Kind.FILE) {
            Files.copy(e.origin().orElseThrow().file(), target);
            setMeta(target, e.mode(), e.uid(), e.gid());
        } else {
            Files.createSymbolicLink(target, Path.of(e.linkTarget().orElseThrow()));
            setOwner(target, e.uid(), e.gid());
        }
    }

    /** Creates {@code dir} and its missing parents below {@code root} as root-owned 0755 directories. */
    static void mkdirs(Path root, Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!dir.equals(root) && dir.getParent() != null) {
            mkdirs(root, dir.getParent());
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(dir);
        }
        Files.createDirectory(dir);
        setMeta(dir, 0755, 0, 0);
    }

    /** Refuses a target whose parent directories below {@code root} include a symlink. */
    static void checkNoSymlinkParents(Path root, Path target) {
        Path rel = root.relativize(target);
        Path cur = root;
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            cur = cur.resolve(rel.getName(i));
            if (Files.isSymbolicLink(cur)) {
                throw StrataException.stepFailed("refusing to write " + rel + " through the symlink "
                        + root.relativize(cur) + "; copy to the symlink's target path instead");
            }
        }
    }

    static void setMeta(Path p, int mode, int uid, int gid) throws IOException {
        // chown clears setuid/setgid, so the mode goes last
        setOwner(p, uid, gid);
        Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    }

    static void setOwner(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    static void setTime(Path p, long nanos) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(Archives.time(nanos), null, null);
    }

    /** Deletes a file, symlink or whole directory tree (never following symlinks). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
