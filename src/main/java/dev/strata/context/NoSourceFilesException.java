package dev.strata.context;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;

/**
 * A COPY/ADD wildcard that matched nothing. The caller prefixes the Dockerfile's file:line; the
 * pattern is kept so it can say which source it was.
 */
public final class NoSourceFilesException extends StrataException {
    private static final long serialVersionUID = 1L;
    private final String pattern;

    public NoSourceFilesException(String pattern, String where) {
        super(
                ExitCode.INPUT,
                "no source files were specified: the pattern '" + pattern + "' matches nothing" + " in the " + where
                        + "; check the name and the .dockerignore");
        this.pattern = pattern;
    }

    /** The source pattern as written in the instruction. */
    public String pattern() {
        return pattern;
    }
}
