package dev.strata.error;

/** The process exit codes strata promises its users (see docs/cli.md). */
public enum ExitCode {
    OK(0),
    /** A build step (RUN, COPY, ...) failed. */
    STEP_FAILED(1),
    /** Bad input or usage: a malformed Dockerfile, reference, archive, flag. */
    INPUT(2),
    /** A registry refused us or could not be reached, or authentication failed. */
    REGISTRY(3),
    /** The environment cannot run builds: no runtime, no overlayfs, not root, disk full. */
    ENVIRONMENT(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
