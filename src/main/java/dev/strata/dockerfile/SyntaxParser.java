package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lines to {@link Node}s: BOM and CRLF, parser directives, comments, continuations with the active
 * escape character (comment and empty lines inside them), flags and heredoc bodies.
 */
final class SyntaxParser {
    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)(.+)$");
    private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("RUN", "COPY", "ADD");
    /** {@code # strata:KEY=VALUE}: strata's own settings for the instruction below, invisible to docker. */
    private static final Pattern STRATA_COMMENT = Pattern.compile("^\\s*#\\s*strata:([a-zA-Z-]+)\\s*=\\s*(.*?)\\s*$");
    /** The instructions that have a cache record, so a ttl means something. */
    private static final Set<String> KEYED = Set.of("RUN", "COPY", "ADD", "WORKDIR");

    record Result(Directives directives, List<Node> nodes, List<Warning> warnings) {}

    private final String file;
    private final String[] lines;
    private final List<Warning> warnings = new ArrayList<>();
    private char escape = '\\';
    private int next;

    SyntaxParser(String file, String text) {
        this.file = file;
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] ls = t.split("\n", -1);
        for (int i = 0; i < ls.length; i++) {
            if (ls[i].endsWith("\r")) {
                ls[i] = ls[i].substring(0, ls[i].length() - 1);
            }
        }
        // A final newline does not start another (empty) line.
        if (ls.length > 0 && ls[ls.length - 1].isEmpty()) {
            ls = Arrays.copyOf(ls, ls.length - 1);
        }
        this.lines = ls;
    }

    Result parse() {
        Directives directives = directives();
        escape = directives.escape();
        List<Node> nodes = new ArrayList<>();
        Optional<StepTtl> ttl = Optional.empty();
        Position ttlAt = null;
        while (next < lines.length) {
            String line = lines[next];
            if (line.isBlank()) {
                ttl = Optional.empty(); // a blank line ends the comment block above an instruction
                next++;
                continue;
            }
            if (line.stripLeading().startsWith("#")) {
                Matcher m = STRATA_COMMENT.matcher(line);
                if (m.matches()) {
                    ttlAt = pos(next, 0);
                    Optional<StepTtl> t = strataComment(m.group(1), m.group(2), ttlAt);
                    ttl = t.isPresent() ? t : ttl;
                }
                next++;
                continue;
            }
            Node n = instruction(ttl);
            if (ttl.isPresent() && !KEYED.contains(n.instruction())) {
                warnings.add(new Warning(
                        "StrataTtlIgnored",
                        ttlAt,
                        "# strata:ttl applies to RUN, COPY, ADD or WORKDIR (steps with a cache record), not "
                                + n.instruction() + "; move it above the step that should expire"));
            }
            ttl = Optional.empty();
            nodes.add(n);
        }
        return new Result(directives, nodes, warnings);
    }

    private Position pos(int lineIndex, int col0) {
        return new Position(file, lineIndex + 1, col0 + 1);
    }

    private Directives directives() {
        Optional<String> syntax = Optional.empty();
        Optional<String> check = Optional.empty();
        char esc = '\\';
        boolean escapeSeen = false;
        while (next < lines.length) {
            Matcher m = DIRECTIVE.matcher(lines[next]);
            if (!m.matches()) {
                break;
            }
            String key = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2);
            Position at = pos(next, 0);
            switch (key) {
                case "syntax" -> {
                    if (syntax.isPresent()) {
                        throw new DockerfileException(at, "only one syntax parser directive can be used");
                    }
                    syntax = Optional.of(value);
                    SyntaxFrontend.check(value).ifPresent(w -> warnings.add(new Warning("SyntaxFrontend", at, w)));
                }
                case "escape" -> {
                    if (escapeSeen) {
                        throw new DockerfileException(at, "only one escape parser directive can be used");
                    }
                    if (!value.equals("\\") && !value.equals("`")) {
                        throw new DockerfileException(
                                at, "invalid escape token '" + value + "': use a backslash (\\) or a backtick (`)");
                    }
                    esc = value.charAt(0);
                    escapeSeen = true;
                }
                case "check" -> {
                    if (check.isPresent()) {
                        throw new DockerfileException(at, "only one check parser directive can be used");
                    }
                    check = Optional.of(value);
                }
                default -> {
                    // Unknown directives are comments, as in BuildKit.
                }
            }
            next++;
        }
        return new Directives(syntax, esc, check);
    }

    /** A {@code # strata:KEY=VALUE} comment: ttl is the one key; another is a warning, a bad ttl an error. */
    private Optional<StepTtl> strataComment(String key, String value, Position at) {
        if (!key.equalsIgnoreCase("ttl")) {
            warnings.add(new Warning(
                    "UnknownStrataComment", at, "unknown strata comment '" + key + "': the one strata comment is ttl"));
            return Optional.empty();
        }
        return Optional.of(StepTtl.parse(value)
                .orElseThrow(() -> new DockerfileException(
                        at,
                        "# strata:ttl=" + value + " is not a duration; use a number and s, m, h, d or w,"
                                + " as in # strata:ttl=24h")));
    }

    /** Reads one instruction starting at a non-blank, non-comment line. */
    private Node instruction(Optional<StepTtl> ttl) {
        int startLine = next;
        String first = lines[startLine];
        int kwStart = 0;
        while (kwStart < first.length() && Character.isWhitespace(first.charAt(kwStart))) {
            kwStart++;
        }
        StringBuilder text = new StringBuilder();
        IntList ln = new IntList();
        IntList col = new IntList();
        boolean firstLine = true;
        int emptyContinuationLine = -1;
        while (next < lines.length) {
            String line = lines[next];
            if (!firstLine && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                if (line.isBlank() && emptyContinuationLine < 0) {
                    emptyContinuationLine = next;
                }
                next++;
                continue;
            }
            int end = line.length();
            while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
                end--;
            }
            boolean continues = end > 0 && line.charAt(end - 1) == escape;
            int stop = continues ? end - 1 : end;
            for (int c = firstLine ? kwStart : 0; c < stop; c++) {
                text.append(line.charAt(c));
                ln.add(next + 1);
                col.add(c + 1);
            }
            firstLine = false;
            next++;
            if (!continues) {
                break;
            }
        }
        if (emptyContinuationLine >= 0) {
            warnings.add(new Warning(
                    "NoEmptyContinuation",
                    pos(emptyContinuationLine, 0),
                    "Empty continuation line (empty continuation lines will become errors in a future release)"));
        }
        int kwEnd = 0;
        while (kwEnd < text.length() && !Character.isWhitespace(text.charAt(kwEnd))) {
            kwEnd++;
        }
        String keyword = text.substring(0, kwEnd);
        Position kwPos = new Position(file, startLine + 1, kwStart + 1);
        int a = kwEnd;
        while (a < text.length() && Character.isWhitespace(text.charAt(a))) {
            a++;
        }
        List<Flag> flags = new ArrayList<>();
        a = extractFlags(text, a, escape, k -> new Position(file, ln.get(k), col.get(k)), flags);
        int z = text.length();
        while (z > a && Character.isWhitespace(text.charAt(z - 1))) {
            z--;
        }
        String args = text.substring(a, z);
        int[] argLines = ln.slice(a, z);
        int[] argCols = col.slice(a, z);
        List<Heredoc> heredocs = List.of();
        String kwUpper = keyword.toUpperCase(Locale.ROOT);
        if (HEREDOC_INSTRUCTIONS.contains(kwUpper) && !args.startsWith("[")) {
            heredocs = heredocs(args, argLines, argCols);
        }
        StringBuilder source = new StringBuilder();
        for (int i = startLine; i < next; i++) {
            if (i > startLine) {
                source.append('\n');
            }
            source.append(lines[i]);
        }
        return new Node(keyword, flags, args, heredocs, kwPos, next, source.toString(), argLines, argCols, ttl);
    }

    /** Reads leading {@code --name[=value]} words from {@code from}; returns where the arguments start. */
    static int extractFlags(CharSequence text, int from, char escape, IntFunction<Position> at, List<Flag> flags) {
        int a = from;
        while (a + 1 < text.length() && text.charAt(a) == '-' && text.charAt(a + 1) == '-') {
            int wEnd = wordEnd(text, a, escape);
            String word = unquote(text.subSequence(a + 2, wEnd).toString());
            Position fp = at.apply(a);
            int eq = word.indexOf('=');
            flags.add(
                    eq < 0
                            ? new Flag(word, Optional.empty(), fp)
                            : new Flag(word.substring(0, eq), Optional.of(word.substring(eq + 1)), fp));
            a = wEnd;
            while (a < text.length() && Character.isWhitespace(text.charAt(a))) {
                a++;
            }
        }
        return a;
    }

    /** The instruction after {@code ONBUILD}, as a node of its own (same positions). */
    static Node trigger(Node onbuild, char escape) {
        String t = onbuild.args();
        int kwEnd = 0;
        while (kwEnd < t.length() && !Character.isWhitespace(t.charAt(kwEnd))) {
            kwEnd++;
        }
        int a = kwEnd;
        while (a < t.length() && Character.isWhitespace(t.charAt(a))) {
            a++;
        }
        List<Flag> flags = new ArrayList<>();
        a = extractFlags(t, a, escape, onbuild::positionAt, flags);
        return onbuild.sub(t.substring(0, kwEnd), flags, a, onbuild.positionAt(0));
    }

    /** Finds heredoc markers among the argument words, then reads their bodies from the next lines. */
    private List<Heredoc> heredocs(String args, int[] argLines, int[] argCols) {
        List<Heredoc> out = new ArrayList<>();
        int i = 0;
        while (i < args.length()) {
            while (i < args.length() && Character.isWhitespace(args.charAt(i))) {
                i++;
            }
            if (i >= args.length()) {
                break;
            }
            int e = wordEnd(args, i, escape);
            Matcher m = HEREDOC.matcher(args.substring(i, e));
            if (m.matches() && !m.group(3).startsWith("<")) {
                String raw = m.group(3);
                boolean quoted = raw.indexOf('"') >= 0 || raw.indexOf('\'') >= 0;
                String name = unquote(raw);
                Position at = new Position(file, argLines[i], argCols[i]);
                if (name.isEmpty()) {
                    throw new DockerfileException(at, "heredoc has no delimiter word after <<");
                }
                OptionalInt fd = m.group(1).isEmpty()
                        ? OptionalInt.empty()
                        : OptionalInt.of(Integer.parseInt(m.group(1).length() > 6 ? "999999" : m.group(1)));
                boolean strip = !m.group(2).isEmpty();
                out.add(new Heredoc(name, "", !quoted, strip, fd, at));
            }
            i = e;
        }
        List<Heredoc> bodies = new ArrayList<>();
        for (Heredoc h : out) {
            StringBuilder body = new StringBuilder();
            boolean closed = false;
            while (next < lines.length) {
                String line = lines[next++];
                String cmp = h.stripTabs() ? stripTabs(line) : line;
                if (cmp.equals(h.name())) {
                    closed = true;
                    break;
                }
                body.append(cmp).append('\n');
            }
            if (!closed) {
                throw new DockerfileException(
                        h.position(),
                        "unterminated heredoc <<" + h.name() + ": no line \"" + h.name()
                                + "\" ends it before the end of the file");
            }
            bodies.add(h.withContent(body.toString()));
        }
        return bodies;
    }

    private static String stripTabs(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\t') {
            i++;
        }
        return s.substring(i);
    }

    /** End of the whitespace-delimited word at {@code i}, quotes and escapes respected. */
    private static int wordEnd(CharSequence s, int i, char escape) {
        char quote = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                break;
            }
            if (c == escape && quote != '\'' && i + 1 < s.length()) {
                i += 2;
                continue;
            }
            if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            i++;
        }
        return i;
    }

    /** Removes quote characters (flag values and heredoc names are written {@code "a b"} or {@code 'x'}). */
    private static String unquote(String s) {
        StringBuilder b = new StringBuilder(s.length());
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A growable int array (positions of every character of an instruction). */
    private static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int[] slice(int from, int to) {
            return Arrays.copyOfRange(a, from, to);
        }
    }
}
