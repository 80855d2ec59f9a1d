package dev.strata.context;

import dev.strata.error.StrataException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves symlinks inside a root the way a container sees them: an absolute target starts again at
 * the root and ".." never climbs above it, so a path can never leave the root.
 */
final class ScopedPath {
    private static final int MAX_LINKS = 255;

    private ScopedPath() {}

    /**
     * The cleaned absolute path {@code abs} refers to after following symlinks in its directories
     * (and in its last element when {@code followFinal}). Missing elements are kept as they are.
     */
    static String resolve(Function<String, Optional<ContextEntry>> lstat, String abs, boolean followFinal) {
        Deque<String> todo = new ArrayDeque<>(parts(GoPath.rooted(abs)));
        String cur = "/";
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.equals("..")) {
                cur = GoPath.dir(cur);
                continue;
            }
            String next = GoPath.join(cur, name);
            if (todo.isEmpty() && !followFinal) {
                return next;
            }
            Optional<ContextEntry> e = lstat.apply(next);
            if (e.isPresent() && e.get().type() == FileType.SYMLINK) {
                if (++links > MAX_LINKS) {
                    throw StrataException.input("too many levels of symbolic links resolving " + abs);
                }
                String target = e.get().linkTarget().orElse("");
                if (target.startsWith("/")) {
                    cur = "/";
                }
                Deque<String> more = new ArrayDeque<>();
                for (String p : target.split("/")) {
                    if (!p.isEmpty() && !p.equals(".")) {
                        more.addLast(p);
                    }
                }
                while (!more.isEmpty()) {
                    todo.addFirst(more.removeLast());
                }
                continue;
            }
            cur = next;
        }
        return cur;
    }

    private static Deque<String> parts(String cleanedAbs) {
        Deque<String> out = new ArrayDeque<>();
        for (String p : cleanedAbs.split("/")) {
            if (!p.isEmpty()) {
                out.addLast(p);
            }
        }
        return out;
    }
}
