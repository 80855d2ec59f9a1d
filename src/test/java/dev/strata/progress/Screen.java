package dev.strata.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of a terminal to see what the tty renderer leaves on the screen: text, newline,
 * carriage return, cursor up (ESC [ n A) and erase line (ESC [ 2 K). Anything
 * else it is sent fails the test, so the renderer cannot rely on a sequence nobody checked.
 */
final class Screen {
    private final List<StringBuilder> rows = new ArrayList<>(List.of(new StringBuilder()));
    private int row;
    private int col;

    void feed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                row++;
                col = 0;
                if (row == rows.size()) {
                    rows.add(new StringBuilder());
                }
            } else if (c == '\r') {
                col = 0;
            } else if (c == '\u001b') {
                int j = i + 2;
                while (!Character.isLetter(s.charAt(j))) {
                    j++;
                }
                String param = s.substring(i + 2, j);
                char op = s.charAt(j);
                if (op == 'A') {
                    row = Math.max(0, row - (param.isEmpty() ? 1 : Integer.parseInt(param)));
                } else if (op == 'K' && param.equals("2")) {
                    rows.get(row).setLength(0);
                } else {
                    throw new AssertionError("unexpected escape sequence ESC[" + param + op);
                }
                i = j;
            } else {
                StringBuilder r = rows.get(row);
                while (r.length() < col) {
                    r.append(' ');
                }
                if (col < r.length()) {
                    r.setCharAt(col, c);
                } else {
                    r.append(c);
                }
                col++;
            }
        }
    }

    /** The rows, empty ones at the bottom (erased, or under the cursor) left out. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.toString()));
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
