package dev.strata.context;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's {@code path.Clean} on slash paths: docker cleans patterns and COPY paths exactly this way. */
final class GoPath {
    private GoPath() {}

    /** Lexical cleaning: drops empty and "." elements, resolves ".." lexically, keeps a leading "/". */
    static String clean(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.charAt(0) == '/';
        Deque<String> out = new ArrayDeque<>();
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.removeLast();
                } else if (!rooted) {
                    out.addLast("..");
                }
                continue;
            }
            out.addLast(part);
        }
        String joined = String.join("/", out);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    /** Cleans {@code p} as if it were joined onto "/", so ".." can never climb above the root. */
    static String rooted(String p) {
        return clean("/" + p);
    }

    /** The last element of a cleaned path ("/" for the root). */
    static String base(String cleaned) {
        if (cleaned.equals("/")) {
            return "/";
        }
        int slash = cleaned.lastIndexOf('/');
        return slash < 0 ? cleaned : cleaned.substring(slash + 1);
    }

    /** The parent of a cleaned absolute path ("/" for a child of the root and for the root). */
    static String dir(String cleanedAbs) {
        int slash = cleanedAbs.lastIndexOf('/');
        return slash <= 0 ? "/" : cleanedAbs.substring(0, slash);
    }

    /** Joins a cleaned absolute directory and a relative path. */
    static String join(String dirAbs, String rel) {
        if (rel.isEmpty() || rel.equals(".")) {
            return dirAbs;
        }
        return clean(dirAbs + "/" + rel);
    }
}
