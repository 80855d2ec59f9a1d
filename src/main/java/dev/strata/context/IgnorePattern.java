package dev.strata.context;

import java.util.regex.Pattern;

/**
 * One line of a .dockerignore (or one {@code --exclude}), compiled the way moby's patternmatcher
 * reads it: exact names compare as strings, a trailing {@code **} is a prefix test, a leading
 * {@code **} a suffix test, anything else a regular expression where {@code *} and {@code ?} stop at
 * '/', {@code **} spans any number of directories and {@code \} escapes.
 *
 * <p>Differences kept on purpose: inside {@code [...]} every character is literal (moby turns a
 * {@code *} there into a broken expression) and {@code \x} always means the character x (moby hands
 * it to Go's regexp, where {@code \d} is a digit class).
 */
public final class IgnorePattern {
    private enum Kind {
        EXACT,
        PREFIX,
        SUFFIX,
        REGEX
    }

    private final String text;
    private final boolean exception;
    private final Kind kind;
    private final Pattern regex;
    private final String[] parts;

    private IgnorePattern(String text, boolean exception, Kind kind, Pattern regex) {
        this.text = text;
        this.exception = exception;
        this.kind = kind;
        this.regex = regex;
        this.parts = text.split("/", -1);
    }

    /**
     * Compiles a cleaned pattern ({@code !} already removed). Throws {@link GoGlob.BadPattern} when
     * Go's filepath.Match would reject it, as docker does when it reads the file.
     */
    static IgnorePattern compile(String cleaned, boolean exception) throws GoGlob.BadPattern {
        GoGlob.validate(cleaned);
        StringBuilder re = new StringBuilder("^");
        Kind kind = Kind.EXACT;
        int[] cp = cleaned.codePoints().toArray();
        boolean inClass = false;
        boolean classStart = false;
        for (int i = 0, step = 0; i < cp.length; i++, step++) {
            int c = cp[i];
            if (inClass) {
                boolean first = classStart;
                classStart = false;
                if (c == '^' && first) {
                    re.append('^');
                } else if (c == ']') {
                    re.append(']');
                    inClass = false;
                } else if (c == '-') {
                    re.append('-');
                } else {
                    if (c == '\\') {
                        c = cp[++i];
                    }
                    appendLiteral(re, c);
                }
                continue;
            }
            if (c == '*') {
                if (i + 1 < cp.length && cp[i + 1] == '*') {
                    i++;
                    if (i + 1 < cp.length && cp[i + 1] == '/') {
                        i++;
                    }
                    if (i + 1 >= cp.length) {
                        if (kind == Kind.EXACT) {
                            kind = Kind.PREFIX;
                        } else {
                            re.append(".*");
                            kind = Kind.REGEX;
                        }
                    } else {
                        re.append("(.*/)?");
                        kind = Kind.REGEX;
                    }
                    if (step == 0) {
                        kind = Kind.SUFFIX;
                    }
                } else {
                    re.append("[^/]*");
                    kind = Kind.REGEX;
                }
            } else if (c == '?') {
                re.append("[^/]");
                kind = Kind.REGEX;
            } else if (c == '\\') {
                if (i + 1 < cp.length) {
                    appendLiteral(re, cp[++i]);
                    kind = Kind.REGEX;
                } else {
                    re.append("\\\\");
                }
            } else if (c == '[') {
                re.append('[');
                inClass = true;
                classStart = true;
                kind = Kind.REGEX;
            } else if (c == ']') {
                re.append("\\]");
                kind = Kind.REGEX;
            } else if (c == '^') {
                // Go's regexp reads a bare ^ as an anchor, so such a pattern never matches; keep that
                re.append('^');
            } else {
                appendLiteral(re, c);
            }
        }
        Pattern regex = null;
        if (kind == Kind.REGEX) {
            re.append("\\z");
            regex = Pattern.compile(re.toString(), Pattern.UNIX_LINES);
        }
        return new IgnorePattern(cleaned, exception, kind, regex);
    }

    private static void appendLiteral(StringBuilder re, int c) {
        if (c < 128 && !Character.isLetterOrDigit(c)) {
            re.append('\\');
        }
        re.appendCodePoint(c);
    }

    /** The cleaned pattern text, without the leading {@code !}. */
    public String text() {
        return text;
    }

    /** Whether this is an exception line ({@code !pattern}) that re-includes what it matches. */
    public boolean exception() {
        return exception;
    }

    /** Whether the pattern matches this exact relative path (no parent test). */
    public boolean matches(String path) {
        return switch (kind) {
            case EXACT -> path.equals(text);
            case PREFIX -> path.startsWith(text.substring(0, text.length() - 2));
            case SUFFIX -> {
                String suffix = text.substring(2);
                yield path.endsWith(suffix) || (suffix.startsWith("/") && path.equals(suffix.substring(1)));
            }
            case REGEX -> regex.matcher(path).matches();
        };
    }

    /**
     * Whether the pattern might match some path strictly below directory {@code dir}. Errs on the
     * side of "yes" (any {@code **}, class or escape), so the walker only skips what it may skip.
     */
    boolean mayMatchBelow(String dir) {
        if (text.contains("**") || text.contains("[") || text.contains("\\")) {
            return true;
        }
        String[] d = dir.split("/");
        if (parts.length <= d.length) {
            return false;
        }
        for (int i = 0; i < d.length; i++) {
            try {
                if (!GoGlob.match(parts[i], d[i])) {
                    return false;
                }
            } catch (GoGlob.BadPattern e) {
                return true;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return (exception ? "!" : "") + text;
    }
}
