package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Shell-word expansion as the Dockerfile reference defines it for ENV, ARG, LABEL, COPY, ADD, FROM,
 * WORKDIR, USER, VOLUME, EXPOSE, STOPSIGNAL and RUN --mount options: {@code $V}, {@code ${V}} and its
 * modifiers ({@code :- - :+ + :? ? # ## % %% / //}), single and double quotes (removed), and the
 * escape character. An unset variable expands to the empty string, like docker.
 */
public final class ShellWords {
    private final char escape;

    public ShellWords(char escape) {
        this.escape = escape;
    }

    /** Expands one word: quotes removed, variables replaced, never split. */
    public String expand(String word, Map<String, String> env, Position at) {
        return new Lexer(word, env, at, false, name -> {}).one();
    }

    /**
     * Expands what is known and keeps references to variables missing from {@code env} as written
     * (for plans printed before the base image's ENV is known).
     */
    public String expandKnown(String word, Map<String, String> env, Position at) {
        return expandKnown(word, env, Set.of(), at);
    }

    /** Like {@link #expandKnown(String, Map, Position)}; names in {@code unset} are known to have no value. */
    public String expandKnown(String word, Map<String, String> env, Set<String> unset, Position at) {
        Lexer lexer = new Lexer(word, env, at, false, name -> {});
        lexer.keep = true;
        lexer.unset = unset;
        return lexer.one();
    }

    /**
     * Expands a heredoc body of COPY/ADD: only {@code $} expansions and escapes of {@code $} and the
     * escape character; quotes stay as text. {@code keepUnknown} as in {@link #expandKnown}.
     */
    public String expandHeredoc(String body, Map<String, String> env, Position at, boolean keepUnknown) {
        return expandHeredoc(body, env, Set.of(), at, keepUnknown);
    }

    /** Heredoc expansion; names in {@code unset} are known to have no value. */
    public String expandHeredoc(
            String body, Map<String, String> env, Set<String> unset, Position at, boolean keepUnknown) {
        Lexer lexer = new Lexer(body, env, at, false, name -> {});
        lexer.keep = keepUnknown;
        lexer.unset = unset;
        lexer.heredoc = true;
        return lexer.one();
    }

    /** Expands and splits into words at unquoted whitespace (also inside unquoted variable values). */
    public List<String> expandWords(String text, Map<String, String> env, Position at) {
        return new Lexer(text, env, at, true, name -> {}).all();
    }

    /** The names of the variables a word refers to (for lint and for cache keys). */
    public Set<String> references(String word, Position at) {
        Set<String> names = new TreeSet<>();
        try {
            new Lexer(word, Map.of(), at, false, names::add).one();
        } catch (DockerfileException e) {
            // A malformed word refers to what was read so far; the error is reported where it is expanded.
        }
        return names;
    }

    /** Reads a word char by char; one lexer per expansion (it carries the cursor). */
    private final class Lexer {
        private final String s;
        private final Map<String, String> env;
        private final Position at;
        private final boolean split;
        private final Consumer<String> seen;
        private final List<String> words = new ArrayList<>();
        private StringBuilder cur = new StringBuilder();
        private boolean started;
        private int i;
        private int inactive;
        private boolean keep;
        private boolean heredoc;
        private Set<String> unset = Set.of();

        Lexer(String s, Map<String, String> env, Position at, boolean split, Consumer<String> seen) {
            this.s = s;
            this.env = env;
            this.at = at;
            this.split = split;
            this.seen = seen;
        }

        String one() {
            String out = until((char) 0, (char) 0);
            return out;
        }

        List<String> all() {
            until((char) 0, (char) 0);
            flush();
            return words;
        }

        private void flush() {
            if (started) {
                words.add(cur.toString());
            }
            cur = new StringBuilder();
            started = false;
        }

        private DockerfileException error(String message) {
            return new DockerfileException(at, message + " in \"" + s + "\"");
        }

        /**
         * Processes until an unquoted stop character (or the end) and returns the text; in split mode
         * at top level (stops == 0) the text goes to {@link #words} instead.
         */
        private String until(char stop1, char stop2) {
            boolean top = stop1 == 0 && split;
            StringBuilder saved = cur;
            boolean savedStarted = started;
            if (!top) {
                cur = new StringBuilder();
            }
            while (i < s.length()) {
                char c = s.charAt(i);
                if (stop1 != 0 && (c == stop1 || c == stop2)) {
                    break;
                }
                if (heredoc
                        && (c == '\''
                                || c == '"'
                                || (c == escape
                                        && i + 1 < s.length()
                                        && s.charAt(i + 1) != '$'
                                        && s.charAt(i + 1) != escape))) {
                    cur.append(c);
                    i++;
                } else if (c == escape) {
                    if (i + 1 < s.length()) {
                        cur.append(s.charAt(i + 1));
                        i += 2;
                    } else {
                        cur.append(c);
                        i++;
                    }
                    started = true;
                } else if (c == '\'') {
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw error("unexpected end of statement while looking for matching single-quote");
                    }
                    cur.append(s, i + 1, end);
                    i = end + 1;
                    started = true;
                } else if (c == '"') {
                    doubleQuoted();
                    started = true;
                } else if (c == '$') {
                    i++;
                    Optional<String> v = variable();
                    v.ifPresent(value -> appendValue(value, top));
                } else if (top && Character.isWhitespace(c)) {
                    flush();
                    i++;
                } else {
                    cur.append(c);
                    started = true;
                    i++;
                }
            }
            String result = cur.toString();
            if (!top) {
                cur = saved;
                started = savedStarted;
            }
            return result;
        }

        private void appendValue(String value, boolean top) {
            if (!top) {
                cur.append(value);
                return;
            }
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (Character.isWhitespace(c)) {
                    flush();
                } else {
                    cur.append(c);
                    started = true;
                }
            }
        }

        private void doubleQuoted() {
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return;
                }
                if (c == escape && i + 1 < s.length()) {
                    char n = s.charAt(i + 1);
                    if (n == '"' || n == '$' || n == escape) {
                        cur.append(n);
                    } else {
                        cur.append(c).append(n);
                    }
                    i += 2;
                } else if (c == '$') {
                    i++;
                    variable().ifPresent(cur::append);
                } else {
                    cur.append(c);
                    i++;
                }
            }
            throw error("unexpected end of statement while looking for matching double-quote");
        }

        /** After a {@code $}: the value, or empty for an unset variable or a lone {@code $} (appended here). */
        private Optional<String> variable() {
            if (i >= s.length()) {
                cur.append('$');
                started = true;
                return Optional.empty();
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                return Optional.of(braced());
            }
            String name = name();
            if (name.isEmpty()) {
                cur.append('$');
                started = true;
                return Optional.empty();
            }
            if (isSpecial(name)) {
                return Optional.empty();
            }
            if (keep && !env.containsKey(name) && !unset.contains(name)) {
                return Optional.of("$" + name);
            }
            return lookup(name);
        }

        /**
         * The name after {@code $} or <code>${</code>, as BuildKit reads it: all the digits of a
         * positional parameter, one special parameter character, or letters, digits and '_'.
         */
        private String name() {
            int start = i;
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            } else if (i < s.length() && SPECIAL.indexOf(s.charAt(i)) >= 0) {
                i++;
            } else {
                while (i < s.length() && isNameChar(s.charAt(i))) {
                    i++;
                }
            }
            return s.substring(start, i);
        }

        private Optional<String> lookup(String name) {
            if (isSpecial(name)) {
                // a Dockerfile has no positional or special parameters: they are empty, as in BuildKit
                return Optional.empty();
            }
            seen.accept(name);
            return Optional.ofNullable(env.get(name));
        }

        private String braced() {
            int start = i;
            String name = name();
            if (i >= s.length()) {
                throw error("missing '}' after ${" + name);
            }
            if (name.isEmpty()) {
                throw error("bad substitution: no variable name after ${");
            }
            if (keep && !env.containsKey(name) && !unset.contains(name) && !isSpecial(name)) {
                int dollar = start - 2;
                keep = false;
                inactive++;
                try {
                    i = start;
                    braced();
                } finally {
                    inactive--;
                    keep = true;
                }
                return s.substring(dollar, i);
            }
            Optional<String> value = lookup(name);
            char m = s.charAt(i++);
            switch (m) {
                case '}':
                    return value.orElse("");
                case ':': {
                    if (i >= s.length() || "-+?".indexOf(s.charAt(i)) < 0) {
                        throw error(
                                "unsupported modifier (:" + (i < s.length() ? s.charAt(i) : "") + ") in substitution");
                    }
                    char op = s.charAt(i++);
                    boolean setAndNotEmpty = value.isPresent() && !value.get().isEmpty();
                    return modifier(name, op, setAndNotEmpty, value, true);
                }
                case '-':
                case '+':
                case '?':
                    return modifier(name, m, value.isPresent(), value, false);
                case '#':
                case '%': {
                    boolean longest = i < s.length() && s.charAt(i) == m;
                    if (longest) {
                        i++;
                    }
                    String pattern = closingWord();
                    return Glob.trim(value.orElse(""), pattern, m == '#', longest);
                }
                case '/': {
                    boolean all = i < s.length() && s.charAt(i) == '/';
                    if (all) {
                        i++;
                    }
                    String pattern = until('/', '}');
                    String replacement = "";
                    if (i < s.length() && s.charAt(i) == '/') {
                        i++;
                        replacement = until('}', '}');
                    }
                    expectClose();
                    return Glob.replace(value.orElse(""), pattern, replacement, all);
                }
                default:
                    throw error("unsupported modifier (" + m + ") in substitution");
            }
        }

        private String modifier(String name, char op, boolean set, Optional<String> value, boolean colon) {
            boolean needWord = switch (op) {
                case '-' -> !set;
                case '+' -> set;
                default -> !set;
            };
            if (!needWord) {
                inactive++;
            }
            String word;
            try {
                word = closingWord();
            } finally {
                if (!needWord) {
                    inactive--;
                }
            }
            switch (op) {
                case '-':
                    return set ? value.orElse("") : word;
                case '+':
                    return set ? word : "";
                default:
                    if (!set && inactive == 0) {
                        String why = word.isEmpty()
                                ? (colon && value.isPresent()
                                        ? "is not allowed to be empty"
                                        : "is not allowed to be unset")
                                : word;
                        throw error(name + ": " + why);
                    }
                    return value.orElse("");
            }
        }

        private String closingWord() {
            String w = until('}', '}');
            expectClose();
            return w;
        }

        private void expectClose() {
            if (i >= s.length() || s.charAt(i) != '}') {
                throw error("missing '}'");
            }
            i++;
        }
    }

    /** The special parameters of the POSIX shell ({@code $0} is a digit, read as positional). */
    private static final String SPECIAL = "@*#?-$!";

    /** Positional ({@code 0}, {@code 12}) and special ({@code @ * # ? - $ !}) parameter names. */
    private static boolean isSpecial(String name) {
        return !name.isEmpty() && (Character.isDigit(name.charAt(0)) || SPECIAL.indexOf(name.charAt(0)) >= 0);
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
