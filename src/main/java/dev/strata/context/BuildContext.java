package dev.strata.context;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A build context directory seen through its .dockerignore: what {@code docker build} would send.
 * Regular files, directories and symlinks are listed (symlinks are never followed while walking);
 * sockets, FIFOs and devices are left out. Directories excluded by the rules are not entered unless
 * an exception line could re-include something inside them; then only the re-included entries and
 * the directories leading to them appear.
 */
public final class BuildContext {
    private static final String ATTRS =
            "unix:mode,uid,gid,ino,size,lastModifiedTime,isDirectory,isSymbolicLink," + "isRegularFile";

    private final Path root;
    private final DockerIgnore ignore;

    private BuildContext(Path root, DockerIgnore ignore) {
        this.root = root;
        this.ignore = ignore;
    }

    /** A context rooted at {@code root} (must be a directory) filtered by {@code ignore}. */
    public static BuildContext open(Path root, DockerIgnore ignore) {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw StrataException.input("build context " + root + " is not a directory; pass the directory"
                    + " that holds the files your Dockerfile copies");
        }
        return new BuildContext(abs, ignore);
    }

    /** A context filtered by the ignore file that applies to {@code dockerfile} (see {@link DockerIgnore#load}). */
    public static BuildContext open(Path root, Optional<Path> dockerfile) {
        return open(root, DockerIgnore.load(root, dockerfile));
    }

    public Path root() {
        return root;
    }

    public DockerIgnore ignore() {
        return ignore;
    }

    /** Whether the rules exclude this relative path. */
    public boolean excluded(String rel) {
        return ignore.excludes(rel);
    }

    /** Every entry of the context after the rules, in tree order (parents first, names sorted). */
    public List<ContextEntry> walk() {
        return walk("");
    }

    /**
     * The entries strictly below {@code relDir} after the rules, in tree order; {@code relDir} itself
     * may be excluded, then only re-included entries show.
     */
    public List<ContextEntry> walk(String relDir) {
        String dir = normalize(relDir);
        List<ContextEntry> out = new ArrayList<>();
        boolean[] parent = dir.isEmpty() ? null : ignore.matchesWithParents(dir, null);
        walkInto(dir, parent, out, new ArrayList<>());
        return out;
    }

    /** The direct children of {@code relDir} that are not excluded, names sorted. */
    public List<ContextEntry> list(String relDir) {
        String dir = normalize(relDir);
        List<ContextEntry> out = new ArrayList<>();
        for (String name : names(dir)) {
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            stat(rel).ifPresent(out::add);
        }
        return out;
    }

    /** The entry at {@code rel} (not following a final symlink), if it exists and is not excluded. */
    public Optional<ContextEntry> stat(String rel) {
        String r = normalize(rel);
        if (r.isEmpty() || !ignore.excludes(r)) {
            return read(root, r);
        }
        // an excluded directory still exists in the context when an exception re-includes something in it
        if (ignore.mustDescend(r)) {
            Optional<ContextEntry> e = read(root, r);
            if (e.isPresent() && e.get().type() == FileType.DIRECTORY && !walk(r).isEmpty()) {
                return e;
            }
        }
        return Optional.empty();
    }

    /** Reads one entry under {@code base} without following a final symlink; empty if missing or special. */
    static Optional<ContextEntry> read(Path base, String rel) {
        Path file = rel.isEmpty() ? base : base.resolve(rel);
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, ATTRS, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            // a path through a regular file ("file/x") does not exist either
            if ("Not a directory".equals(e.getReason())) {
                return Optional.empty();
            }
            throw StrataException.input("cannot read " + file + ": " + e.getMessage() + "; check its permissions", e);
        } catch (IOException e) {
            throw StrataException.input("cannot read " + file + ": " + e.getMessage() + "; check its permissions", e);
        }
        FileType type;
        Optional<String> target = Optional.empty();
        if ((Boolean) a.get("isSymbolicLink")) {
            type = FileType.SYMLINK;
            try {
                target = Optional.of(Files.readSymbolicLink(file).toString());
            } catch (IOException e) {
                throw StrataException.input("cannot read symlink " + file + ": " + e.getMessage(), e);
            }
        } else if ((Boolean) a.get("isDirectory")) {
            type = FileType.DIRECTORY;
        } else if ((Boolean) a.get("isRegularFile")) {
            type = FileType.REGULAR;
        } else {
            return Optional.empty();
        }
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        long size = type == FileType.DIRECTORY ? 0 : (Long) a.get("size");
        return Optional.of(new ContextEntry(
                rel,
                file,
                type,
                ((Integer) a.get("mode")) & 07777,
                size,
                mtime.to(TimeUnit.NANOSECONDS),
                (Integer) a.get("uid"),
                (Integer) a.get("gid"),
                (Long) a.get("ino"),
                target));
    }

    private void walkInto(String dir, boolean[] dirMatches, List<ContextEntry> out, List<ContextEntry> pending) {
        for (String name : names(dir)) {
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            boolean[] m = ignore.isEmpty() ? null : ignore.matchesWithParents(rel, dirMatches);
            boolean excluded = m != null && ignore.decide(m);
            Optional<ContextEntry> e = read(root, rel);
            if (e.isEmpty()) {
                continue;
            }
            boolean isDir = e.get().type() == FileType.DIRECTORY;
            if (!excluded) {
                // directories passed on the way to a re-included entry appear before it
                out.addAll(pending);
                pending.clear();
                out.add(e.get());
                if (isDir) {
                    walkInto(rel, m, out, pending);
                }
            } else if (isDir && ignore.mustDescend(rel)) {
                pending.add(e.get());
                int before = pending.size();
                walkInto(rel, m, out, pending);
                if (pending.size() >= before) {
                    pending.remove(before - 1);
                }
            }
        }
    }

    private List<String> names(String dir) {
        Path d = dir.isEmpty() ? root : root.resolve(dir);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw StrataException.input("cannot list " + d + ": " + e.getMessage() + "; check its permissions", e);
        }
        names.sort(null);
        return names;
    }

    /** "" for the root, else a clean relative path; ".." cannot leave the context. */
    static String normalize(String rel) {
        String c = GoPath.rooted(rel);
        return c.equals("/") ? "" : c.substring(1);
    }
}
