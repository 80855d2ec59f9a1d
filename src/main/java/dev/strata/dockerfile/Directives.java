package dev.strata.dockerfile;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parser directives at the top of a Dockerfile: {@code # syntax=}, {@code # escape=} (backslash
 * or backtick) and {@code # check=} ({@code skip=Rule1,Rule2|all;error=true}).
 */
public record Directives(Optional<String> syntax, char escape, Optional<String> check) {

    public static Directives defaults() {
        return new Directives(Optional.empty(), '\\', Optional.empty());
    }

    /** Rules named by {@code check=skip=...}; contains "all" when every rule is skipped. */
    public Set<String> skippedChecks() {
        for (String part : check.orElse("").split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "skip=", 0, 5)) {
                Set<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                for (String r : p.substring(5).split(",")) {
                    if (!r.isBlank()) {
                        out.add(r.trim());
                    }
                }
                return out;
            }
        }
        return Set.of();
    }

    /** True with {@code check=error=true}: warnings fail the check/build. */
    public boolean checkErrors() {
        for (String part : check.orElse("").split(";")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals("error=true") || p.equals("error=1")) {
                return true;
            }
        }
        return false;
    }
}
