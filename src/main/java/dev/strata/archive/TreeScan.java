package dev.strata.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Walks a tree into sorted {@link TreeEntry}s; for upperdirs it turns overlay whiteouts into OCI ones. */
final class TreeScan {

    private TreeScan() {}

    static List<TreeEntry> scan(Path root, boolean upper) throws IOException {
        Map<String, SortedMap<String, byte[]>> xattrs = readXattrs(root);
        String opaque = UserNamespace.current().overlayXattr("opaque");
        List<TreeEntry> out = new ArrayList<>();
        walk(root, "", xattrs, upper, opaque, out);
        sort(out);
        return out;
    }

    /** Byte-wise order of the UTF-8 names, independent of locale and of a directory's order. */
    private static void sort(List<TreeEntry> out) {
        out.sort((a, b) -> Arrays.compareUnsigned(
                a.name().getBytes(StandardCharsets.UTF_8), b.name().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Caller-described entries as tree entries: the last entry of a name wins; a hardlink set shares
     * one inode key (its FILE's name) so the writer links every later name to the first.
     */
    static List<TreeEntry> fromEntries(List<LayerEntry> entries) throws IOException {
        Map<String, LayerEntry> byName = new LinkedHashMap<>();
        for (LayerEntry e : entries) {
            byName.put(e.name(), e);
        }
        Map<String, Integer> links = new HashMap<>();
        for (LayerEntry e : byName.values()) {
            if (e.type() == LayerEntry.Type.HARDLINK) {
                links.merge(fileOf(e, byName).name(), 1, Integer::sum);
            }
        }
        List<TreeEntry> out = new ArrayList<>();
        for (LayerEntry e : byName.values()) {
            LayerEntry f = e.type() == LayerEntry.Type.HARDLINK ? fileOf(e, byName) : e;
            int type = switch (f.type()) {
                case DIRECTORY -> 0040000;
                case SYMLINK -> 0120000;
                default -> 0100000;
            };
            Path content = f.content().orElse(null);
            long size = type == 0100000
                    ? Files.size(f.content()
                            .orElseThrow(() -> new IOException("the file entry " + f.name() + " has no content")))
                    : 0;
            long nlink = type == 0100000 ? 1 + links.getOrDefault(f.name(), 0) : 1;
            out.add(new TreeEntry(
                    e.name() + (type == 0040000 ? "/" : ""),
                    content,
                    type | (type == 0120000 ? 0777 : f.mode() & 07777),
                    f.uid(),
                    f.gid(),
                    size,
                    f.mtime(),
                    nlink,
                    "entry:" + f.name(),
                    0,
                    0,
                    new TreeMap<>(),
                    false,
                    type == 0120000 ? f.link() : Optional.empty()));
        }
        sort(out);
        return out;
    }

    /** The FILE a hardlink (chain) shares. */
    private static LayerEntry fileOf(LayerEntry link, Map<String, LayerEntry> byName) throws IOException {
        LayerEntry e = link;
        for (int hops = 0; e.type() == LayerEntry.Type.HARDLINK; hops++) {
            LayerEntry next = byName.get(e.link().orElse(""));
            if (next == null
                    || hops > byName.size()
                    || next.type() == LayerEntry.Type.DIRECTORY
                    || next.type() == LayerEntry.Type.SYMLINK) {
                throw new IOException("the hardlink " + link.name() + " does not lead to a file of the layer");
            }
            e = next;
        }
        return e;
    }

    private static void walk(
            Path dir,
            String prefix,
            Map<String, SortedMap<String, byte[]>> xattrs,
            boolean upper,
            String opaqueXattr,
            List<TreeEntry> out)
            throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        }
        for (Path p : children) {
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String fname = p.getFileName().toString();
            int type = mode & 0170000;
            long rdev = (Long) a.get("rdev");
            long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
            if (upper && type == 0020000 && rdev == 0) {
                out.add(new TreeEntry(
                        prefix + ".wh." + fname,
                        p,
                        0100644,
                        0,
                        0,
                        0,
                        mtime,
                        1,
                        "",
                        0,
                        0,
                        new TreeMap<>(),
                        true,
                        Optional.empty()));
                continue;
            }
            SortedMap<String, byte[]> x = xattrs.getOrDefault(p.toString(), new TreeMap<>());
            boolean opaque = upper
                    && type == 0040000
                    && x.containsKey(opaqueXattr)
                    && Arrays.equals(x.get(opaqueXattr), new byte[] {'y'});
            SortedMap<String, byte[]> kept = new TreeMap<>();
            x.forEach((k, v) -> {
                if (!UserNamespace.isOverlayMarker(k)) {
                    kept.put(k, v);
                }
            });
            String name = prefix + fname + (type == 0040000 ? "/" : "");
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            out.add(new TreeEntry(
                    name,
                    p,
                    mode,
                    (Integer) a.get("uid"),
                    (Integer) a.get("gid"),
                    type == 0100000 ? (Long) a.get("size") : 0,
                    mtime,
                    ((Number) a.get("nlink")).longValue(),
                    a.get("dev") + ":" + a.get("ino"),
                    major,
                    minor,
                    kept,
                    false,
                    Optional.empty()));
            if (opaque) {
                out.add(new TreeEntry(
                        name + ".wh..wh..opq",
                        p,
                        0100644,
                        0,
                        0,
                        0,
                        mtime,
                        1,
                        "",
                        0,
                        0,
                        new TreeMap<>(),
                        true,
                        Optional.empty()));
            }
            if (type == 0040000) {
                walk(p, name, xattrs, upper, opaqueXattr, out);
            }
        }
    }

    /**
     * All xattrs of the tree in one {@code getfattr} run: Java's UserDefinedFileAttributeView only
     * reaches user.*, and layers need security.capability and the overlay markers too.
     */
    static Map<String, SortedMap<String, byte[]>> readXattrs(Path root) throws IOException {
        Map<String, SortedMap<String, byte[]>> result = new HashMap<>();
        ProcessBuilder pb = new ProcessBuilder(
                "getfattr",
                "-R",
                "-P",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "hex",
                "--absolute-names",
                root.toAbsolutePath().toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            return result; // no attr tools: a tree without xattrs
        }
        String text;
        try (InputStream in = proc.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        try {
            proc.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.destroy();
            throw new IOException("interrupted while reading xattrs of " + root);
        }
        String root0 = root.toAbsolutePath().toString();
        String relRootFix = root.toString();
        SortedMap<String, byte[]> current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# file: ")) {
                String abs = unescape(line.substring(8));
                String key = relRootFix + abs.substring(Math.min(root0.length(), abs.length()));
                current = new TreeMap<>();
                result.put(key, current);
            } else if (current != null && line.contains("=")) {
                int eq = line.indexOf('=');
                String value = line.substring(eq + 1);
                byte[] bytes = value.startsWith("0x") ? HexFormat.of().parseHex(value.substring(2)) : new byte[0];
                current.put(line.substring(0, eq), bytes);
            }
        }
        return result;
    }

    /** getfattr writes odd bytes of names as \ooo octal escapes. */
    private static String unescape(String s) {
        byte[] raw = s.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\'
                    && i + 3 < raw.length + 0
                    && i + 3 <= raw.length - 1 + 1
                    && isOct(raw, i + 1)
                    && isOct(raw, i + 2)
                    && isOct(raw, i + 3)) {
                b.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                b.write(raw[i]);
            }
        }
        return new String(b.toByteArray(), StandardCharsets.UTF_8);
    }

    private static boolean isOct(byte[] raw, int i) {
        return i < raw.length && raw[i] >= '0' && raw[i] <= '7';
    }
}
