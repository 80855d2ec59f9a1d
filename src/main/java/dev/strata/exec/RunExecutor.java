package dev.strata.exec;

/**
 * Runs RUN steps. Obtain one from {@link RunExecutors#probe(java.util.Optional)}; one executor may
 * run several steps at once from different threads.
 */
public interface RunExecutor {

    /**
     * Runs one RUN step on overlayfs (the request's lower dirs plus a never-committed init layer
     * holding mount-point stubs) in the chosen runtime, and returns when the process exits. A
     * non-zero exit is a {@link RunResult}, not an exception; the result's upper dir holds the
     * step's changes (overlay whiteouts included) and must be closed by the caller.
     *
     * @throws dev.strata.error.StrataException ENVIRONMENT when the runtime or a mount fails, INPUT
     *                                          for a bad USER or mount
     */
    RunResult run(RunRequest request);

    /** Which isolation this executor uses (crun, runc or chroot). */
    Isolation isolation();

    /**
     * For progress output: which isolation a build's RUN steps get and what it does not protect, or
     * empty for the runtimes on overlayfs, which isolate as docker build does.
     */
    default String notice() {
        return isolation().limits();
    }
}
