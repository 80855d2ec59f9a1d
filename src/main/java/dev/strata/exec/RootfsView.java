package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only merged view of stacked layer directories, without mounting anything: finds which
 * layer holds a path, honouring whiteouts in both forms (overlay 0/0 character devices and
 * {@code .wh.NAME} files; opaque directories by {@code trusted.overlay.opaque=y} or
 * {@code .wh..wh..opq}) and following symlinks inside the rootfs, never out of it. Used to read
 * /etc/passwd and /etc/group for USER and COPY --chown.
 */
public final class RootfsView {
    private static final int MAX_SYMLINKS = 40;
    private final List<Path> topFirst;
    private final Map<Path, Boolean> opaqueCache;

    private RootfsView(List<Path> topFirst, Map<Path, Boolean> opaqueCache) {
        this.topFirst = topFirst;
        this.opaqueCache = opaqueCache;
    }

    /** A view over {@code lowerDirs}, base layer first (as overlayfs lowerdirs are given reversed). */
    public static RootfsView of(List<Path> lowerDirs) {
        return of(lowerDirs, new HashMap<>());
    }

    /**
     * A view sharing {@code opaqueCache} (dir -> opaque) with other views: reading a trusted xattr
     * costs a process, and snapshot dirs never change, so an executor keeps the answers.
     */
    static RootfsView of(List<Path> lowerDirs, Map<Path, Boolean> opaqueCache) {
        List<Path> top = new ArrayList<>(lowerDirs);
        Collections.reverse(top);
        return new RootfsView(List.copyOf(top), opaqueCache);
    }

    /** The host path of {@code path}, symlinks followed inside the rootfs; empty if absent. */
    public Optional<Path> find(String path) {
        return lookup(realPath(path));
    }

    /** The content of the file at {@code path}, symlinks followed; empty if absent or not a file. */
    public Optional<byte[]> read(String path) {
        Optional<Path> p = find(path);
        if (p.isEmpty() || !Files.isRegularFile(p.get(), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(p.get()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code path} with every symlink in it resolved inside the rootfs (as runtimes resolve mount
     * targets); components that do not exist are kept as written.
     */
    public String realPath(String path) {
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
            Optional<Path> hit = lookup(join(done));
            if (hit.isPresent() && Files.isSymbolicLink(hit.get())) {
                if (++links > MAX_SYMLINKS) {
                    return join(done); // a loop: leave it for the kernel to refuse
                }
                String target;
                try {
                    target = Files.readSymbolicLink(hit.get()).toString();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
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
        return join(done);
    }

    /** The topmost layer entry for {@code path} without following any symlink. */
    public Optional<Path> lookup(String path) {
        List<String> comps = components(path);
        for (Path layer : topFirst) {
            Path p = layer;
            List<Path> dirs = new ArrayList<>();
            boolean blocked = false;
            for (int i = 0; i < comps.size(); i++) {
                String name = comps.get(i);
                if (Files.exists(p.resolve(".wh." + name), LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                Path next = p.resolve(name);
                if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                    blocked = true;
                    break;
                }
                if (isWhiteout(next)) {
                    return Optional.empty();
                }
                if (i < comps.size() - 1) {
                    if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                        return Optional.empty(); // a file here hides the directory of lower layers
                    }
                    dirs.add(next);
                }
                p = next;
            }
            if (!blocked) {
                return Optional.of(p);
            }
            // only a miss needs to know whether this layer's dirs hide the ones below
            for (Path d : dirs) {
                if (isOpaque(d)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static boolean isWhiteout(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            return (mode & 0170000) == 0020000 && ((Long) a.get("rdev")) == 0L;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean isOpaque(Path dir) {
        Boolean known = opaqueCache.get(dir);
        if (known == null) {
            known = Files.exists(dir.resolve(".wh..wh..opq"))
                    || Xattrs.get(dir, UserNamespace.current().overlayXattr("opaque"))
                            .map("y"::equals)
                            .orElse(false);
            opaqueCache.put(dir, known);
        }
        return known;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }

    private static String join(List<String> comps) {
        return "/" + String.join("/", comps);
    }
}
