package dev.strata.error;

/**
 * The one exception family of strata. Its message is written for the user: what failed, where
 * (file:line, registry/repository, path) and what to do about it. The CLI prints the message, never
 * a stack trace, and exits with {@link #exitCode()}.
 */
public class StrataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    public StrataException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public StrataException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** Bad input or usage (exit 2). */
    public static StrataException input(String message) {
        return new StrataException(ExitCode.INPUT, message);
    }

    /** Bad input or usage (exit 2), caused by another exception. */
    public static StrataException input(String message, Throwable cause) {
        return new StrataException(ExitCode.INPUT, message, cause);
    }

    /** A registry or authentication failure (exit 3). */
    public static StrataException registry(String message) {
        return new StrataException(ExitCode.REGISTRY, message);
    }

    /** A registry or authentication failure (exit 3), caused by another exception. */
    public static StrataException registry(String message, Throwable cause) {
        return new StrataException(ExitCode.REGISTRY, message, cause);
    }

    /** The environment cannot do what is asked (exit 4). */
    public static StrataException environment(String message) {
        return new StrataException(ExitCode.ENVIRONMENT, message);
    }

    /** The environment cannot do what is asked (exit 4), caused by another exception. */
    public static StrataException environment(String message, Throwable cause) {
        return new StrataException(ExitCode.ENVIRONMENT, message, cause);
    }

    /** A build step failed (exit 1). */
    public static StrataException stepFailed(String message) {
        return new StrataException(ExitCode.STEP_FAILED, message);
    }
}
