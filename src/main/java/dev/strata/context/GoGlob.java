package dev.strata.context;

import java.util.Optional;

/**
 * Go's {@code filepath.Match} on slash paths, written from its documented grammar: {@code *} any run
 * of non-'/' characters, {@code ?} one non-'/' character, {@code [...]} a class with ranges and
 * {@code ^} negation, {@code \} escaping the next character. COPY wildcards and the syntax check of
 * .dockerignore patterns both use it, so the accepted syntax is the same as docker's.
 */
final class GoGlob {
    private GoGlob() {}

    /** Thrown for a malformed pattern (Go's ErrBadPattern); callers turn it into a user message. */
    static final class BadPattern extends Exception {
        private static final long serialVersionUID = 1L;

        BadPattern(String why) {
            super(why);
        }
    }

    /** Whether {@code s} has an unescaped wildcard character, as docker decides a source is a wildcard. */
    static boolean hasMeta(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** Checks the whole pattern's syntax (what Go reports when matching it against anything). */
    static void validate(String pattern) throws BadPattern {
        match(pattern, "");
    }

    /** Whether {@code name} matches {@code pattern}; the pattern's full syntax is always checked. */
    static boolean match(String pattern, String name) throws BadPattern {
        int[] p = pattern.codePoints().toArray();
        int[] n = name.codePoints().toArray();
        int pi = 0;
        int ni = 0;
        outer:
        while (pi < p.length) {
            boolean star = false;
            while (pi < p.length && p[pi] == '*') {
                star = true;
                pi++;
            }
            int chunkStart = pi;
            int chunkEnd = chunkEnd(p, pi);
            pi = chunkEnd;
            if (star && chunkStart == chunkEnd) {
                // a trailing star matches the rest of the name when it has no separator
                for (int i = ni; i < n.length; i++) {
                    if (n[i] == '/') {
                        return false;
                    }
                }
                return true;
            }
            int t = matchChunk(p, chunkStart, chunkEnd, n, ni);
            if (t >= 0 && (t == n.length || pi < p.length)) {
                ni = t;
                continue;
            }
            if (star) {
                for (int i = ni; i < n.length && n[i] != '/'; i++) {
                    t = matchChunk(p, chunkStart, chunkEnd, n, i + 1);
                    if (t >= 0) {
                        if (pi == p.length && t < n.length) {
                            continue;
                        }
                        ni = t;
                        continue outer;
                    }
                }
            }
            // no match: still report a syntax error further on in the pattern
            while (pi < p.length) {
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                int end = chunkEnd(p, pi);
                matchChunk(p, pi, end, new int[0], 0);
                pi = end;
            }
            return false;
        }
        return ni == n.length;
    }

    private static int chunkEnd(int[] p, int i) {
        boolean inRange = false;
        for (; i < p.length; i++) {
            switch (p[i]) {
                case '\\' -> {
                    if (i + 1 < p.length) {
                        i++;
                    }
                }
                case '[' -> inRange = true;
                case ']' -> inRange = false;
                case '*' -> {
                    if (!inRange) {
                        return i;
                    }
                }
                default -> {}
            }
        }
        return i;
    }

    /** Matches one star-free chunk at the start of n[ni..]; returns the index after it or -1. */
    private static int matchChunk(int[] p, int from, int to, int[] n, int ni) throws BadPattern {
        boolean failed = false;
        int i = from;
        while (i < to) {
            if (!failed && ni >= n.length) {
                failed = true;
            }
            int c = p[i];
            if (c == '[') {
                int r = 0;
                if (!failed) {
                    r = n[ni++];
                }
                i++;
                boolean negated = i < to && p[i] == '^';
                if (negated) {
                    i++;
                }
                boolean matched = false;
                int ranges = 0;
                while (true) {
                    if (i < to && p[i] == ']' && ranges > 0) {
                        i++;
                        break;
                    }
                    int[] lo = esc(p, i, to);
                    i = lo[1];
                    int hi = lo[0];
                    if (p[i] == '-') {
                        int[] h = esc(p, i + 1, to);
                        hi = h[0];
                        i = h[1];
                    }
                    if (lo[0] <= r && r <= hi) {
                        matched = true;
                    }
                    ranges++;
                }
                if (matched == negated) {
                    failed = true;
                }
            } else if (c == '?') {
                if (!failed) {
                    if (n[ni] == '/') {
                        failed = true;
                    }
                    ni++;
                }
                i++;
            } else {
                if (c == '\\') {
                    i++;
                    if (i >= to) {
                        throw new BadPattern("a trailing '\\' escapes nothing");
                    }
                    c = p[i];
                }
                if (!failed) {
                    if (n[ni] != c) {
                        failed = true;
                    }
                    ni++;
                }
                i++;
            }
        }
        return failed ? -1 : ni;
    }

    /** One possibly escaped class character: {value, next index}; the class must go on after it. */
    private static int[] esc(int[] p, int i, int to) throws BadPattern {
        if (i >= to) {
            throw new BadPattern("'[' is not closed by ']'");
        }
        if (p[i] == '-' || p[i] == ']') {
            throw new BadPattern("'" + Character.toString(p[i]) + "' must be escaped inside [...]");
        }
        if (p[i] == '\\') {
            i++;
            if (i >= to) {
                throw new BadPattern("'[' is not closed by ']'");
            }
        }
        int v = p[i++];
        if (i >= to) {
            throw new BadPattern("'[' is not closed by ']'");
        }
        return new int[] {v, i};
    }

    /** The syntax error of a pattern, if any, as text. */
    static Optional<String> error(String pattern) {
        try {
            validate(pattern);
            return Optional.empty();
        } catch (BadPattern e) {
            return Optional.of(e.getMessage());
        }
    }
}
