package dev.strata.engine;

import dev.strata.archive.SkeletonTree;
import dev.strata.context.ContextEntry;
import dev.strata.context.FileType;
import dev.strata.context.ImageView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The image below a COPY, ADD or WORKDIR answered from its layers' skeletons merged in memory
 * ({@link SkeletonTree}): the same answers an unpacked copy of the skeletons gave, without writing a
 * file, so the step's cost does not grow with the files of the image below.
 */
final class SkeletonView implements ImageView {
    private static final int MAX_SYMLINKS = 40;
    private final SkeletonTree tree;

    SkeletonView(SkeletonTree tree) {
        this.tree = tree;
    }

    @Override
    public Optional<ContextEntry> lstat(String absPath) {
        List<String> comps = components(absPath);
        String rel = String.join("/", comps);
        Optional<SkeletonTree.Node> n = tree.lookup(rel);
        if (n.isEmpty() && comps.isEmpty()) {
            n = Optional.of(new SkeletonTree.Node(SkeletonTree.Kind.DIRECTORY, 0755, 0, 0, 0, null, null));
        }
        return n.flatMap(node -> entry(rel, node));
    }

    @Override
    public Optional<String> readFile(String absPath) {
        return tree.lookup(realPath(absPath))
                .filter(n -> n.kind() == SkeletonTree.Kind.REGULAR)
                .map(n -> new String(n.content(), StandardCharsets.UTF_8));
    }

    private static Optional<ContextEntry> entry(String rel, SkeletonTree.Node n) {
        FileType type = switch (n.kind()) {
            case DIRECTORY -> FileType.DIRECTORY;
            case REGULAR -> FileType.REGULAR;
            case SYMLINK -> FileType.SYMLINK;
            case OTHER -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        return Optional.of(new ContextEntry(
                rel,
                null,
                type,
                n.mode(),
                type == FileType.REGULAR ? n.content().length : 0,
                n.mtimeSeconds() * 1_000_000_000L,
                (int) n.uid(),
                (int) n.gid(),
                0,
                Optional.ofNullable(n.linkTarget())));
    }

    /** {@code path} with its symlinks resolved inside the image, as the unpacked view resolved them. */
    private String realPath(String path) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.removeFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(c);
            Optional<SkeletonTree.Node> hit = tree.lookup(String.join("/", done));
            if (hit.isPresent() && hit.get().kind() == SkeletonTree.Kind.SYMLINK) {
                if (++links > MAX_SYMLINKS) {
                    break;
                }
                String target = hit.get().linkTarget();
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> t = components(target);
                for (int i = t.size() - 1; i >= 0; i--) {
                    todo.addFirst(t.get(i));
                }
            }
        }
        return String.join("/", done);
    }

    private static List<String> components(String path) {
        return Arrays.stream(path.split("/"))
                .filter(c -> !c.isEmpty() && !c.equals("."))
                .toList();
    }
}
