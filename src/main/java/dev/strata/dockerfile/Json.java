package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Just enough JSON for exec-form arguments: an array of strings, or not JSON at all. */
final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** The strings of a JSON array of strings; empty when text is not a JSON array. */
    static Optional<List<String>> stringArray(String text, Node node, String instruction) {
        String t = text.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            return Optional.empty();
        }
        Json j = new Json(t);
        List<Object> values;
        try {
            values = j.array();
            j.ws();
            if (j.i != t.length()) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            if (!(v instanceof String str)) {
                throw new DockerfileException(
                        node.argsPosition(),
                        instruction + " exec form needs a JSON array of strings; " + v + " is not a string (quote it)");
            }
            out.add(str);
        }
        return Optional.of(out);
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException bad() {
        return new IllegalArgumentException("not JSON at " + i);
    }

    private List<Object> array() {
        ws();
        expect('[');
        List<Object> out = new ArrayList<>();
        ws();
        if (peek() == ']') {
            i++;
            return out;
        }
        while (true) {
            out.add(value());
            ws();
            char c = next();
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw bad();
            }
        }
    }

    private Object value() {
        ws();
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '[') {
            return array();
        }
        if (c == '{') {
            int depth = 0;
            int start = i;
            do {
                char d = next();
                if (d == '{') {
                    depth++;
                } else if (d == '}') {
                    depth--;
                } else if (d == '"') {
                    i--;
                    string();
                }
            } while (depth > 0);
            return s.substring(start, i);
        }
        int start = i;
        while (i < s.length() && ",]} \t\r\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        String lit = s.substring(start, i);
        if (lit.equals("true")
                || lit.equals("false")
                || lit.equals("null")
                || lit.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return new Literal(lit);
        }
        throw bad();
    }

    /** A non-string JSON value (printed as written in the error message). */
    private record Literal(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw bad();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw bad();
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw bad();
                    }
                    i += 4;
                }
                default -> throw bad();
            }
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw bad();
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw bad();
        }
    }
}
