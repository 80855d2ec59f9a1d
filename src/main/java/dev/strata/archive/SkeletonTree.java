package dev.strata.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The image below a step, merged in memory from its layers' skeletons as overlayfs would stack them
 * (whiteouts, opaque directories, a non-directory hiding a lower directory, hardlinks taking their
 * target's attributes). Nothing is written to disk: a COPY on a 40,000-file base reads 40,000 tar
 * headers instead of creating 40,000 files. Keys are image paths without the leading '/'.
 */
public final class SkeletonTree {
    /** One entry: what a COPY asks about it. {@code content} only for the files a skeleton keeps. */
    public record Node(Kind kind, int mode, long uid, long gid, long mtimeSeconds, String linkTarget, byte[] content) {
        public Node {
            content = content == null ? new byte[0] : content;
        }
    }

    /** What an entry is; OTHER for devices and fifos, which a COPY never writes through. */
    public enum Kind {
        DIRECTORY,
        REGULAR,
        SYMLINK,
        OTHER
    }

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final TreeMap<String, Node> nodes = new TreeMap<>();

    /** Stacks one layer's skeleton (any compression) on top of those applied before. */
    public void apply(InputStream skeleton) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(LayerExtractor.decompress(skeleton), StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.add(e);
                contents.add(LayerSkeleton.keepsContent(e) ? tar.readAllBytes() : null);
            }
        }
        // a layer's whiteouts hide what is below it, never its own entries: removals go first
        for (TarArchiveEntry e : entries) {
            String path = normalize(e.getName());
            String name = path.substring(path.lastIndexOf('/') + 1);
            String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
            if (name.equals(OPAQUE)) {
                removeBelow(dir);
            } else if (name.startsWith(WHITEOUT)) {
                remove(join(dir, name.substring(WHITEOUT.length())));
            } else if (e.isCharacterDevice() && e.getDevMajor() == 0 && e.getDevMinor() == 0) {
                remove(path);
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            TarArchiveEntry e = entries.get(i);
            String path = normalize(e.getName());
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.startsWith(WHITEOUT) || (e.isCharacterDevice() && e.getDevMajor() == 0 && e.getDevMinor() == 0)) {
                continue;
            }
            Node node = node(e, contents.get(i));
            ensureParents(path);
            Node old = nodes.get(path);
            if (old != null && old.kind() == Kind.DIRECTORY && node.kind() != Kind.DIRECTORY) {
                removeBelow(path);
            }
            nodes.put(path, node);
        }
    }

    /** The entry at {@code path} (no symlink followed), if the image has one. */
    public Optional<Node> lookup(String path) {
        return Optional.ofNullable(nodes.get(normalize(path)));
    }

    /** How many entries the merged image has (for tests and progress). */
    public int size() {
        return nodes.size();
    }

    private Node node(TarArchiveEntry e, byte[] content) {
        long mtime = Math.floorDiv(e.getModTime().getTime(), 1000L);
        if (e.isLink()) {
            // a hardlink is its target's inode: the target's attributes, whatever its own header says
            Node target = nodes.get(normalize(e.getLinkName()));
            if (target != null) {
                return target;
            }
            return new Node(
                    Kind.REGULAR, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), mtime, null, null);
        }
        Kind kind = e.isDirectory()
                ? Kind.DIRECTORY
                : e.isSymbolicLink() ? Kind.SYMLINK : e.isFile() ? Kind.REGULAR : Kind.OTHER;
        return new Node(
                kind,
                e.getMode() & 07777,
                e.getLongUserId(),
                e.getLongGroupId(),
                mtime,
                kind == Kind.SYMLINK ? e.getLinkName() : null,
                content);
    }

    /** A parent the layer does not list is made as the extractor would: a plain 0755 root-owned directory. */
    private void ensureParents(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        String parent = path.substring(0, slash);
        Node p = nodes.get(parent);
        if (p != null && p.kind() == Kind.DIRECTORY) {
            return;
        }
        ensureParents(parent);
        nodes.put(parent, new Node(Kind.DIRECTORY, 0755, 0, 0, 0, null, null));
    }

    private void remove(String path) {
        nodes.remove(path);
        removeBelow(path);
    }

    /** Removes every entry under {@code dir} ("" is the root), not {@code dir} itself. */
    private void removeBelow(String dir) {
        if (dir.isEmpty()) {
            nodes.subMap("", false, "\uffff", true).clear();
            return;
        }
        // '0' follows '/': the keys from "dir/" up to "dir0" are exactly dir's descendants
        nodes.subMap(dir + "/", true, dir + "0", false).clear();
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** "./a/b/", "/a/b", "a//b" are all "a/b"; the root is "". */
    static String normalize(String name) {
        StringBuilder out = new StringBuilder();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(c);
        }
        return out.toString();
    }
}
