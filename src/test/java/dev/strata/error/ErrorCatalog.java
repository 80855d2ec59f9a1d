package dev.strata.error;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * strata's message catalogue, read from its sources: every place that makes a {@link StrataException}
 * ({@code StrataException.input(...)} and its siblings, {@code new StrataException(ExitCode.X, ...)}),
 * with the exit code and the message's text, its computed parts shown as "…".
 */
final class ErrorCatalog {
    /** One error-construction site. */
    record Entry(ExitCode code, String template, String file, int line) {}

    private static final Pattern SITE = Pattern.compile(
            "StrataException\\.(input|registry|environment|stepFailed)\\(|new StrataException\\(\\s*(?:ExitCode\\.)?(\\w+)");

    private ErrorCatalog() {}

    static List<Entry> scan(Path sources) {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (f.endsWith(Path.of("error", "StrataException.java"))) {
                    continue; // the factory methods themselves
                }
                String text = Files.readString(f);
                Matcher m = SITE.matcher(text);
                while (m.find()) {
                    ExitCode code = code(m.group(1) != null ? m.group(1) : m.group(2));
                    if (code == null) {
                        continue;
                    }
                    String args = arguments(text, m.group(1) != null ? m.end() : text.indexOf('(', m.start()) + 1);
                    String template = template(args);
                    int line = (int) text.substring(0, m.start())
                                    .chars()
                                    .filter(c -> c == '\n')
                                    .count()
                            + 1;
                    out.add(new Entry(code, template, sources.relativize(f).toString(), line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static ExitCode code(String name) {
        return switch (name) {
            case "input", "INPUT" -> ExitCode.INPUT;
            case "registry", "REGISTRY" -> ExitCode.REGISTRY;
            case "environment", "ENVIRONMENT" -> ExitCode.ENVIRONMENT;
            case "stepFailed", "STEP_FAILED" -> ExitCode.STEP_FAILED;
            default -> null; // a variable exit code: its call site passes the message on
        };
    }

    /** The call's argument text, up to its closing parenthesis (string literals skipped whole). */
    private static String arguments(String text, int from) {
        int depth = 1;
        int i = from;
        while (i < text.length() && depth > 0) {
            char c = text.charAt(i);
            if (c == '"') {
                i = endOfString(text, i);
                continue;
            }
            if (c == '\'') {
                i = text.indexOf('\'', i + (text.charAt(i + 1) == '\\' ? 3 : 2)) + 1;
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            i++;
        }
        return text.substring(from, i - 1);
    }

    private static int endOfString(String text, int i) {
        int j = i + 1;
        while (text.charAt(j) != '"') {
            j += text.charAt(j) == '\\' ? 2 : 1;
        }
        return j + 1;
    }

    /**
     * The first argument (the message) as text: its literals as written, every computed part as "…";
     * a message with no literal at all (passed on from elsewhere) is empty.
     */
    static String template(String args) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        boolean computed = false;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '"') {
                int end = endOfString(args, i);
                if (depth == 0) {
                    if (computed) {
                        gap(b);
                        computed = false;
                    }
                    b.append(unescape(args.substring(i + 1, end - 1)));
                } else {
                    computed = true;
                }
                i = end - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
                computed = true;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                break; // the cause
            } else if (c == '?' && depth == 0) {
                computed = true;
            } else if (!Character.isWhitespace(c) && c != '+' && depth == 0) {
                computed = true;
            }
        }
        if (computed && b.length() > 0) {
            gap(b);
        }
        return b.toString().strip();
    }

    private static void gap(StringBuilder b) {
        if (b.length() == 0 || b.charAt(b.length() - 1) != '…') {
            b.append('…');
        }
    }

    private static String unescape(String s) {
        return s.replace("\\n", " ").replace("\\t", " ").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** True when the message itself says what to do: a clause after ":" or ";" with an instruction. */
    static boolean saysWhatToDo(String template) {
        String t = template.toLowerCase(Locale.ROOT);
        return Pattern.compile("(^|[:;,(]\\s*|\\b(or|then|and)\\s)(use|add|run|install|check|try|pass|set|give|remove|"
                        + "log in|name|rename|delete|free|make|start|see|drop|fix|quote|write|put|choose|increase|"
                        + "wait|rebuild|build|pull|push|ask|change|create|mount|enable|load|import|export|keep|"
                        + "either|only|omit|prune|copy|move|unset|upgrade|point|list|specify|escape|close|stop|"
                        + "grant|allow|give|expected|must|should|needs?|want)\\b")
                .matcher(t)
                .find();
    }
}
