package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merged rootfs of stacked layer snapshots, copied into a plain directory: for isolation
 * {@code none}, where nothing can be mounted, the step runs in this copy. Layers apply base
 * first; overlay whiteouts (0/0 character devices, {@code .wh.} files) delete what is below,
 * opaque directories hide it. Owners, modes, mtimes and hardlinks within a layer are kept;
 * xattrs other than user.* are not (a copy made by Java cannot write them).
 */
final class RootfsCopy {
    private RootfsCopy() {}

    /** Copies the merged {@code lowerDirs} (base first) into the empty dir {@code root}. */
    static void materialize(List<Path> lowerDirs, Path root) throws IOException {
        for (Path layer : lowerDirs) {
            Set<Path> opaque = opaqueDirs(layer);
            apply(layer, root, opaque, new HashMap<>(), true);
        }
    }

    private static void apply(Path src, Path dst, Set<Path> opaque, Map<Object, Path> links, boolean top)
            throws IOException {
        if (!top && (opaque.contains(src) || Files.exists(src.resolve(".wh..wh..opq"), LinkOption.NOFOLLOW_LINKS))) {
            try (DirectoryStream<Path> below = Files.newDirectoryStream(dst)) {
                for (Path p : below) {
                    Tree.delete(p);
                }
            }
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
            ds.forEach(children::add);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            Map<String, Object> a =
                    Files.readAttributes(child, "unix:mode,rdev,ino,dev,nlink", LinkOption.NOFOLLOW_LINKS);
            int type = ((Integer) a.get("mode")) & 0170000;
            Path target = dst.resolve(name);
            if (type == 0020000 && ((Long) a.get("rdev")) == 0L) {
                Tree.delete(target);
                continue;
            }
            if (name.equals(".wh..wh..opq")) {
                continue;
            }
            if (name.startsWith(".wh.")) {
                Tree.delete(dst.resolve(name.substring(4)));
                continue;
            }
            if (type == 0040000) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Tree.delete(target);
                }
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(target);
                }
                apply(child, target, opaque, links, false);
                copyAttributes(child, target);
                continue;
            }
            Tree.delete(target);
            Object inode = a.get("dev") + ":" + a.get("ino");
            Path first = ((Integer) a.get("nlink")) > 1 ? links.get(inode) : null;
            if (first != null) {
                Files.createLink(target, first);
            } else {
                Files.copy(child, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                if (((Integer) a.get("nlink")) > 1) {
                    links.put(inode, target);
                }
            }
        }
    }

    /** Copies {@code from} (a file, link or directory tree) to the new path {@code to}, attributes kept. */
    static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(to);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
                for (Path p : ds) {
                    copyTree(p, to.resolve(p.getFileName().toString()));
                }
            }
            copyAttributes(from, to);
        } else {
            Files.copy(from, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:uid", a.get("uid"));
        Files.setAttribute(to, "unix:gid", a.get("gid"));
        Files.setAttribute(to, "unix:mode", ((Integer) a.get("mode")) & 07777);
        Files.setLastModifiedTime(to, (FileTime) a.get("lastModifiedTime"));
    }

    /**
     * The directories of {@code layer} marked opaque by xattr, in one {@code getfattr -R} run (one
     * process per directory would cost more than the copy).
     */
    private static Set<Path> opaqueDirs(Path layer) throws IOException {
        Set<Path> out = new HashSet<>();
        String name = UserNamespace.current().overlayXattr("opaque");
        Process p;
        try {
            p = new ProcessBuilder(
                            "getfattr",
                            "-R",
                            "-P",
                            "--absolute-names",
                            "-n",
                            name,
                            layer.toAbsolutePath().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return out; // no attr tools: only .wh..wh..opq marks opaque dirs
        }
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the opaque dirs of " + layer);
        }
        Path base = layer.toAbsolutePath();
        String file = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# file: ")) {
                file = line.substring(8);
            } else if (file != null && line.equals(name + "=\"y\"")) {
                out.add(layer.resolve(base.relativize(Path.of(file))));
            }
        }
        return out;
    }
}
