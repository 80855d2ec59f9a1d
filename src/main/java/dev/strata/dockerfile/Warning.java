package dev.strata.dockerfile;

/**
 * A lint finding like {@code docker build --check} reports: the rule name (BuildKit's names, e.g.
 * {@code JSONArgsRecommended}), where, and what to change.
 */
public record Warning(String rule, Position position, String message) {

    /** {@code file:line:col: warning: Rule: message}. */
    @Override
    public String toString() {
        return position + ": warning: " + rule + ": " + message;
    }
}
