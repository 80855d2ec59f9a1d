package dev.strata.dockerfile;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;

/**
 * The one error the Dockerfile frontend throws for bad input: a malformed Dockerfile, an expansion
 * that fails ({@code ${X:?msg}}), an unknown stage. Its message starts with {@code file:line:col: }.
 */
public final class DockerfileException extends StrataException {
    private static final long serialVersionUID = 1L;
    private final transient Position position;
    private final String detail;

    public DockerfileException(Position position, String detail) {
        super(ExitCode.INPUT, position + ": " + detail);
        this.position = position;
        this.detail = detail;
    }

    /** Where the problem is. */
    public Position position() {
        return position;
    }

    /** The message without the position prefix. */
    public String detail() {
        return detail;
    }
}
