package dev.strata.dockerfile;

/** A place in a Dockerfile: file name as the user gave it, 1-based line and column. */
public record Position(String file, int line, int column) {

    /** {@code file:line:col}, the prefix of every message about this place. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
