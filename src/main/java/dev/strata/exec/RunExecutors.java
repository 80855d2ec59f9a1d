package dev.strata.exec;

import java.util.Optional;

/** Chooses how RUN steps are isolated on this machine. */
public final class RunExecutors {
    private RunExecutors() {
    }

    /**
     * Probes crun, then runc, then chroot isolation (or only the one {@code requested}).
     *
     * @throws dev.strata.error.StrataException ENVIRONMENT (exit 4) naming what is missing (root,
     *                                          overlayfs, a runtime) and what to install
     */
    public static RunExecutor probe(Optional<Isolation> requested) {
        throw new UnsupportedOperationException("not yet");
    }
}
