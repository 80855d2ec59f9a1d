package dev.strata.exec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The outcome of one RUN step.
 *
 * @param exitCode the process's exit status (128 + signal when killed by one)
 * @param upperDir the overlay upper dir: the step's changes, whiteouts as 0/0 char devices and
 *                 opaque dirs as {@code trusted.overlay.opaque=y}; empty when nothing changed
 * @param elapsed  wall time of the step, mounts included
 */
public record RunResult(int exitCode, Path upperDir, Duration elapsed) implements AutoCloseable {

    /** Removes the upper dir and the step's scratch directory around it. */
    @Override
    public void close() {
        Tree.delete(upperDir);
        Path step = upperDir.toAbsolutePath().getParent();
        if (step != null && step.getFileName().toString().startsWith("strata-run-")) {
            Tree.delete(step);
        }
    }
}
