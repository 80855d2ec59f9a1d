package dev.strata.dockerfile;

import java.util.regex.Pattern;

/** The shell patterns of {@code ${V#p}}, {@code ${V%p}} and {@code ${V/p/r}}: {@code * ? [...]}. */
final class Glob {
    private Glob() {}

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append("(?s:.*)");
            } else if (c == '?') {
                re.append("(?s:.)");
            } else if (c == '['
                    && glob.indexOf(']', i + 2) > 0
                    && validBracket(glob.substring(i + 1, glob.indexOf(']', i + 2)))) {
                int end = glob.indexOf(']', i + 2);
                String body = glob.substring(i + 1, end);
                boolean neg = body.startsWith("!") || body.startsWith("^");
                if (neg) {
                    body = body.substring(1);
                }
                re.append('[').append(neg ? "^" : "");
                for (char b : body.toCharArray()) {
                    if ("\\[]^&".indexOf(b) >= 0) {
                        re.append('\\');
                    }
                    re.append(b);
                }
                re.append(']');
                i = end;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** A bracket expression with a reversed range ([z-a]) or nothing in it matches itself, as in the shell. */
    private static boolean validBracket(String body) {
        String b = body.startsWith("!") || body.startsWith("^") ? body.substring(1) : body;
        if (b.isEmpty()) {
            return false;
        }
        for (int k = 0; k + 2 < b.length(); k++) {
            if (b.charAt(k + 1) == '-' && b.charAt(k + 2) < b.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@code #}/{@code ##} (prefix) and {@code %}/{@code %%} (suffix) removal. */
    static String trim(String value, String glob, boolean prefix, boolean longest) {
        Pattern p = compile(glob);
        int n = value.length();
        if (prefix) {
            for (int k = 0; k <= n; k++) {
                int len = longest ? n - k : k;
                if (p.matcher(value.substring(0, len)).matches()) {
                    return value.substring(len);
                }
            }
        } else {
            for (int k = 0; k <= n; k++) {
                int len = longest ? n - k : k;
                if (p.matcher(value.substring(n - len)).matches()) {
                    return value.substring(0, n - len);
                }
            }
        }
        return value;
    }

    /** {@code /} (first) and {@code //} (every) longest-match replacement. */
    static String replace(String value, String glob, String replacement, boolean all) {
        if (glob.isEmpty()) {
            return value;
        }
        Pattern p = compile(glob);
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean done = false;
        while (i < value.length()) {
            int match = -1;
            if (!done) {
                for (int j = value.length(); j > i; j--) {
                    if (p.matcher(value.substring(i, j)).matches()) {
                        match = j;
                        break;
                    }
                }
            }
            if (match > 0) {
                out.append(replacement);
                i = match;
                done = !all;
            } else {
                out.append(value.charAt(i++));
            }
        }
        return out.toString();
    }
}
