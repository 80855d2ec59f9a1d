package dev.strata.exec;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for the small sh scripts that set up a step's mount namespace. */
final class Shell {
    private Shell() {}

    /** {@code s} as one single-quoted sh word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String quoteAll(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
