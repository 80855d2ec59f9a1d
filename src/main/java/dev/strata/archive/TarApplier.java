package dev.strata.archive;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Applies the entries of one tar stream to a directory, safely (package-private worker). */
final class TarApplier {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path target;
    private final WhiteoutMode mode;
    private final String what;
    private final Set<Path> created = new HashSet<>();
    private final List<Path> overlayWhiteouts = new ArrayList<>();
    private final List<Path> opaqueDirs = new ArrayList<>();
    private final List<Object[]> dirTimes = new ArrayList<>();
    private final Function<String, Optional<Path>> lowerFiles;

    TarApplier(Path target, WhiteoutMode mode, String what) {
        this(target, mode, what, name -> Optional.empty());
    }

    /** {@code lowerFiles} finds a hardlink's target in the layers below (see LayerExtractor). */
    TarApplier(Path target, WhiteoutMode mode, String what, Function<String, Optional<Path>> lowerFiles) {
        this.target = target.toAbsolutePath().normalize();
        this.mode = mode;
        this.what = what;
        this.lowerFiles = lowerFiles;
    }

    void apply(InputStream in) throws IOException {
        apply(in, Optional.empty());
    }

    /** Like {@link #apply(InputStream)}, adding every entry read to {@code skeleton} (same pass). */
    void apply(InputStream in, Optional<LayerSkeleton> skeleton) throws IOException {
        Files.createDirectories(target);
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            Path dest = applyOne(tar, e);
            if (skeleton.isPresent()) {
                // a kept file is small and was just written: read it back instead of buffering every file
                boolean kept = LayerSkeleton.keepsContent(e) && dest != null && Files.isRegularFile(dest, NOFOLLOW);
                skeleton.get().add(e, kept ? Files.readAllBytes(dest) : new byte[0]);
            }
        }
        finish();
    }

    /** Applies one entry; returns where it landed (null for the root itself). */
    private Path applyOne(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
        Path dest = safePath(e.getName());
        if (dest == null) {
            return null; // the root itself
        }
        String fname = dest.getFileName().toString();
        if (fname.startsWith(".wh.")) {
            whiteout(dest.getParent(), fname);
            return dest;
        }
        try {
            entry(tar, e, dest);
        } catch (IOException ex) {
            // name the entry: "Truncated TAR archive" alone does not say where
            throw new IOException("entry '" + e.getName() + "': " + ex.getMessage(), ex);
        }
        return dest;
    }

    /** Resolves an entry name inside target, refusing escapes and symlinked parents. */
    private Path safePath(String name) {
        return safePath(name, name);
    }

    /** As {@link #safePath(String)}; {@code entry} is how the refusal names the entry. */
    private Path safePath(String name, String entry) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.startsWith("/")) {
            throw refuse(entry, "is absolute");
        }
        Path cur = target;
        String[] parts = n.split("/");
        List<String> clean = new ArrayList<>();
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw refuse(entry, "climbs out with '..'");
            }
            clean.add(p);
        }
        if (clean.isEmpty()) {
            return null;
        }
        for (int i = 0; i < clean.size() - 1; i++) {
            cur = cur.resolve(clean.get(i));
            if (Files.isSymbolicLink(cur)) {
                throw refuse(entry, "has a symlink parent " + target.relativize(cur));
            }
        }
        return cur.resolve(clean.get(clean.size() - 1));
    }

    private StrataException refuse(String name, String why) {
        return StrataException.input(
                "layer " + what + ": entry '" + name + "' " + why + "; refusing to extract it outside " + target);
    }

    private void entry(TarArchiveInputStream tar, TarArchiveEntry e, Path dest) throws IOException {
        Files.createDirectories(dest.getParent());
        boolean existingDir = Files.isDirectory(dest, NOFOLLOW);
        if (e.isDirectory()) {
            if (!existingDir) {
                removeAll(dest);
                Files.createDirectory(dest);
            }
        } else {
            removeAll(dest);
            if (e.isSymbolicLink()) {
                Files.createSymbolicLink(dest, Path.of(e.getLinkName()));
            } else if (e.isLink()) {
                Path src = safePath(e.getLinkName(), e.getName() + "' (hardlink to '" + e.getLinkName() + "')");
                if (src != null && !Files.exists(src, NOFOLLOW) && !created.contains(src)) {
                    // OCI lets a layer link to a file of a lower layer: this tree can only hold a copy of it
                    Optional<Path> lower = lowerFiles.apply("/" + target.relativize(src));
                    if (lower.isPresent() && !Files.isDirectory(lower.get(), NOFOLLOW)) {
                        Commands.run(
                                List.of(
                                        "cp",
                                        "-a",
                                        "--no-dereference",
                                        lower.get().toString(),
                                        dest.toString()),
                                what);
                        created.add(dest);
                        return;
                    }
                }
                if (src == null || !Files.exists(src, NOFOLLOW) || Files.isDirectory(src, NOFOLLOW)) {
                    throw refuse(
                            e.getName(), "is a hardlink to '" + e.getLinkName() + "' which is not an earlier file");
                }
                Files.createLink(dest, src);
                created.add(dest);
                return; // shares the earlier file's attributes
            } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                special(e, dest);
                created.add(dest);
                return;
            } else if (e.isFile()) {
                try (OutputStream o =
                        Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long n = tar.transferTo(o);
                    if (n != e.getSize()) {
                        throw new IOException("entry " + e.getName() + " is truncated");
                    }
                }
            } else {
                return; // other types (e.g. sockets, GNU specials) carry nothing to extract
            }
        }
        created.add(dest);
        attributes(e, dest);
    }

    /**
     * Makes a fifo or device node with its owner, mode and mtime by path only. The JDK sets mode and
     * times through an open file descriptor: opening a fifo blocks until a writer comes (the extractor
     * hung on every layer with a fifo), and opening a device node may act on the device.
     */
    private void special(TarArchiveEntry e, Path dest) {
        String type = e.isFIFO() ? "p" : e.isCharacterDevice() ? "c" : "b";
        String owner = ROOT ? ownerOf(e.getLongUserId(), true) + ":" + ownerOf(e.getLongGroupId(), false) : "";
        Instant t = e.getModTime().toInstant();
        String script =
                "set -e; if [ \"$1\" = p ]; then mkfifo -m 600 \"$2\"; else mknod -m 600 \"$2\" \"$1\" \"$3\" \"$4\"; fi;"
                        + " if [ -n \"$5\" ]; then chown -h \"$5\" \"$2\"; fi; chmod \"$6\" \"$2\"; touch -h -m -d \"$7\" \"$2\"";
        Commands.run(
                List.of(
                        "sh",
                        "-c",
                        script,
                        "sh",
                        type,
                        dest.toString(),
                        Integer.toString(e.getDevMajor()),
                        Integer.toString(e.getDevMinor()),
                        owner,
                        Integer.toOctalString(e.getMode() & 07777),
                        String.format("@%d.%09d", t.getEpochSecond(), t.getNano())),
                what);
        setXattrs(e, dest);
    }

    private void setXattrs(TarArchiveEntry e, Path dest) {
        for (Map.Entry<String, String> x : e.getExtraPaxHeaders().entrySet()) {
            if (x.getKey().startsWith("SCHILY.xattr.")
                    && !UserNamespace.isOverlayMarker(x.getKey().substring(13))) {
                Xattrs.set(dest, x.getKey().substring(13), x.getValue().getBytes(StandardCharsets.ISO_8859_1), what);
            }
        }
    }

    /**
     * The id a file can get here: itself, or 0 when a single-uid user namespace (rootless strata
     * without /etc/subuid ranges, see docs/exec.md) does not map it, as that mode's warning says.
     */
    private static long ownerOf(long id, boolean uid) {
        UserNamespace ns = UserNamespace.current();
        return (uid ? ns.mapsUid(id) : ns.mapsGid(id)) ? id : 0;
    }

    private void attributes(TarArchiveEntry e, Path dest) throws IOException {
        if (ROOT) {
            Files.setAttribute(dest, "unix:uid", (int) ownerOf(e.getLongUserId(), true), NOFOLLOW);
            Files.setAttribute(dest, "unix:gid", (int) ownerOf(e.getLongGroupId(), false), NOFOLLOW);
        }
        if (!e.isSymbolicLink()) {
            Files.setAttribute(dest, "unix:mode", e.getMode() & 07777, NOFOLLOW);
            setXattrs(e, dest);
        }
        FileTime t = FileTime.from(e.getModTime().toInstant());
        if (e.isDirectory()) {
            dirTimes.add(new Object[] {dest, t}); // set last: writing children changes a dir's mtime
        } else if (e.isSymbolicLink()) {
            // the link's own time (lutimes): setLastModifiedTime would follow it
            Files.getFileAttributeView(dest, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(t, null, null);
        } else {
            Files.setLastModifiedTime(dest, t);
        }
    }

    private void whiteout(Path dir, String fname) throws IOException {
        if (fname.equals(".wh..wh..opq")) {
            if (mode == WhiteoutMode.OVERLAY) {
                Files.createDirectories(dir);
                opaqueDirs.add(dir);
            } else if (Files.isDirectory(dir, NOFOLLOW)) {
                try (var s = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        if (!created.contains(p)) {
                            removeAll(p);
                        }
                    }
                }
            }
            return;
        }
        String name = fname.substring(4);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            throw refuse(target.relativize(dir.resolve(fname)).toString(), "is a whiteout of '" + name + "'");
        }
        Path victim = dir.resolve(name);
        removeAll(victim);
        if (mode == WhiteoutMode.OVERLAY) {
            Files.createDirectories(dir);
            overlayWhiteouts.add(victim);
        }
    }

    private void finish() throws IOException {
        Overlay.writeWhiteouts(overlayWhiteouts, opaqueDirs, what);
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            Files.setLastModifiedTime((Path) dirTimes.get(i)[0], (FileTime) dirTimes.get(i)[1]);
        }
    }

    /** Deletes a path and, for a real directory, everything below it; never follows symlinks. */
    static void removeAll(Path p) throws IOException {
        if (!Files.exists(p, NOFOLLOW)) {
            return;
        }
        if (!Files.isDirectory(p, NOFOLLOW)) {
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
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                try {
                    Files.delete(d);
                } catch (DirectoryNotEmptyException ex) {
                    throw ex;
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
