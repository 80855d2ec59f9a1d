package dev.strata.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns two {@link TreeSnapshot}s of one tree into a layer directory, as an overlay upper dir
 * would hold the change: added and changed entries (files hardlinked from the tree, so no bytes
 * are copied; the parents of each as directories with the tree's attributes) and, for each
 * removed entry whose parent survived, an OCI whiteout file {@code .wh.NAME}. A removed directory
 * gets one whiteout, not one per descendant; an entry whose type changed is written as its new self.
 */
final class TreeDiff {
    private TreeDiff() {}

    /**
     * Writes the change from {@code before} to {@code after} (both of the same root) into the empty
     * directory {@code layer}, which must be on the tree's file system; returns how many entries
     * were added, changed or removed.
     */
    static int write(TreeSnapshot before, TreeSnapshot after, Path layer) throws IOException {
        Path root = after.root();
        TreeSet<String> dirs = new TreeSet<>();
        int changes = 0;
        for (Map.Entry<String, TreeSnapshot.Entry> e : after.entries().entrySet()) {
            String path = e.getKey();
            Optional<TreeSnapshot.Entry> was = before.get(path);
            if (was.isPresent() && was.get().equals(e.getValue())) {
                continue;
            }
            changes++;
            parents(path, layer, dirs);
            if (e.getValue().directory()) {
                if (dirs.add(path)) {
                    Files.createDirectory(layer.resolve(path));
                }
            } else {
                Files.createLink(layer.resolve(path), root.resolve(path));
            }
        }
        for (String path : before.entries().keySet()) {
            if (after.entries().containsKey(path)) {
                continue;
            }
            String parent = parent(path);
            // below a removed or retyped parent the whole subtree is gone already
            boolean parentSurvived = parent.isEmpty()
                    || (after.get(parent).map(TreeSnapshot.Entry::directory).orElse(false)
                            && before.get(parent)
                                    .map(TreeSnapshot.Entry::directory)
                                    .orElse(false));
            if (!parentSurvived) {
                continue;
            }
            changes++;
            parents(path, layer, dirs);
            Files.createFile(layer.resolve(parent).resolve(".wh." + name(path)));
        }
        // deepest first: setting a child's attributes never touches its parent's mtime again
        for (String dir : dirs.descendingSet()) {
            copyAttributes(root.resolve(dir), layer.resolve(dir));
        }
        return changes;
    }

    private static void parents(String path, Path layer, TreeSet<String> dirs) throws IOException {
        List<String> chain = new ArrayList<>();
        for (String p = parent(path); !p.isEmpty(); p = parent(p)) {
            chain.add(0, p);
        }
        for (String p : chain) {
            if (dirs.add(p)) {
                Files.createDirectory(layer.resolve(p));
            }
        }
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:uid", a.get("uid"), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", a.get("gid"), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:mode", ((Integer) a.get("mode")) & 07777);
        Files.setLastModifiedTime(to, (FileTime) a.get("lastModifiedTime"));
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
