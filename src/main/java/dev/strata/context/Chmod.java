package dev.strata.context;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --chmod} value: octal ({@code 0755}, {@code 644}) sets the mode outright; symbolic
 * ({@code u+x}, {@code go-w}, {@code a=rX,u+w}), accepted by BuildKit since Dockerfile 1.14, edits
 * each copied entry's own mode. A clause without who ({@code +x}) means all, with no umask.
 */
public final class Chmod {
    private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");
    private static final Pattern CLAUSE = Pattern.compile("([ugoa]*)([-+=])([rwxXst]*)");

    private record Clause(int who, char op, String perms) {}

    private final String text;
    private final int octal;
    private final List<Clause> clauses;

    private Chmod(String text, int octal, List<Clause> clauses) {
        this.text = text;
        this.octal = octal;
        this.clauses = clauses;
    }

    /** Parses a {@code --chmod} value; a malformed one is an input error naming it. */
    public static Chmod parse(String text) {
        if (OCTAL.matcher(text).matches()) {
            return new Chmod(text, Integer.parseInt(text, 8), List.of());
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Matcher m = CLAUSE.matcher(part);
            if (!m.matches()) {
                throw StrataException.input("invalid --chmod value '" + text + "': expected an octal mode such as"
                        + " 0755 or symbolic clauses such as u+x,go-w");
            }
            int who = 0;
            for (char c : m.group(1).toCharArray()) {
                who |= switch (c) {
                    case 'u' -> 04700;
                    case 'g' -> 02070;
                    case 'o' -> 01007;
                    default -> 07777;
                };
            }
            clauses.add(new Clause(who == 0 ? 07777 : who, m.group(2).charAt(0), m.group(3)));
        }
        return new Chmod(text, -1, List.copyOf(clauses));
    }

    /** The mode an entry gets, from its current permission bits. */
    public int apply(int mode, boolean directory) {
        if (octal >= 0) {
            return octal;
        }
        int cur = mode & 07777;
        for (Clause c : clauses) {
            int bits = 0;
            for (char p : c.perms().toCharArray()) {
                bits |= switch (p) {
                    case 'r' -> 0444;
                    case 'w' -> 0222;
                    case 'x' -> 0111;
                    case 'X' -> (directory || (cur & 0111) != 0) ? 0111 : 0;
                    case 's' -> 06000;
                    default -> 01000;
                };
            }
            bits &= c.who();
            cur = switch (c.op()) {
                case '+' -> cur | bits;
                case '-' -> cur & ~bits;
                default -> (cur & ~(c.who() & 07777)) | bits;
            };
        }
        return cur;
    }

    @Override
    public String toString() {
        return text;
    }
}
