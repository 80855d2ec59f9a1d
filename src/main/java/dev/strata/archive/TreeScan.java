package dev.strata.archive;

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
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Walks a tree into sorted {@link TreeEntry}s; for upperdirs it turns overlay whiteouts into OCI ones. */
final class TreeScan {
    private static final String OPAQUE = "trusted.overlay.opaque";

    private TreeScan() {}

    static List<TreeEntry> scan(Path root, boolean upper) throws IOException {
        Map<String, SortedMap<String, byte[]>> xattrs = readXattrs(root);
        List<TreeEntry> out = new ArrayList<>();
        walk(root, "", xattrs, upper, out);
        // byte-wise order of the UTF-8 names, independent of locale and of the directory's order
        out.sort((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8),
                b.name().getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static void walk(Path dir, String prefix, Map<String, SortedMap<String, byte[]>> xattrs, boolean upper,
                             List<TreeEntry> out) throws IOException {
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
                out.add(new TreeEntry(prefix + ".wh." + fname, p, 0100644, 0, 0, 0, mtime, 1, "",
                        0, 0, new TreeMap<>(), true));
                continue;
            }
            SortedMap<String, byte[]> x = xattrs.getOrDefault(p.toString(), new TreeMap<>());
            boolean opaque = upper && type == 0040000 && x.containsKey(OPAQUE)
                    && Arrays.equals(x.get(OPAQUE), new byte[] {'y'});
            SortedMap<String, byte[]> kept = new TreeMap<>();
            x.forEach((k, v) -> {
                if (!k.startsWith("trusted.overlay.")) {
                    kept.put(k, v);
                }
            });
            String name = prefix + fname + (type == 0040000 ? "/" : "");
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            out.add(new TreeEntry(name, p, mode, (Integer) a.get("uid"), (Integer) a.get("gid"),
                    type == 0100000 ? (Long) a.get("size") : 0, mtime, ((Number) a.get("nlink")).longValue(),
                    a.get("dev") + ":" + a.get("ino"), major, minor, kept, false));
            if (opaque) {
                out.add(new TreeEntry(name + ".wh..wh..opq", p, 0100644, 0, 0, 0, mtime, 1, "",
                        0, 0, new TreeMap<>(), true));
            }
            if (type == 0040000) {
                walk(p, name, xattrs, upper, out);
            }
        }
    }

    /**
     * All xattrs of the tree in one {@code getfattr} run: Java's UserDefinedFileAttributeView only
     * reaches user.*, and layers need security.capability and the overlay markers too.
     */
    static Map<String, SortedMap<String, byte[]>> readXattrs(Path root) throws IOException {
        Map<String, SortedMap<String, byte[]>> result = new HashMap<>();
        ProcessBuilder pb = new ProcessBuilder("getfattr", "-R", "-P", "-h", "-d", "-m", "-", "-e", "hex",
                "--absolute-names", root.toAbsolutePath().toString());
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
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length + 0 && i + 3 <= raw.length - 1 + 1
                    && isOct(raw, i + 1) && isOct(raw, i + 2) && isOct(raw, i + 3)) {
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
