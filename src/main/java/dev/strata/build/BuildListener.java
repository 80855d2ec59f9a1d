package dev.strata.build;

import java.time.Duration;
import java.util.Optional;

/**
 * What a build reports while it runs, step by step; the CLI renders it (plain, tty, json). Steps are
 * numbered from 1 in the order they start; {@code index/total} count within the stage, FROM first.
 */
public interface BuildListener {
    /** A step starts: {@code instruction} is its expanded one-line form. */
    void started(int id, String stage, int index, int total, String instruction);

    /** One line of a RUN command's output. */
    void log(int id, String line);

    /** The step was reused from {@code source} without running. */
    void cached(int id, String source);

    /** The step ran; {@code missReason} says why the cache could not be used. */
    void done(int id, Duration elapsed, Optional<String> missReason);

    void failed(int id, String error);

    /** The build finished; {@code imageDigest} is the manifest digest. */
    void finished(Duration elapsed, Optional<String> imageDigest);

    /** Something the user should know that is not a step: lint warnings, unused build args. */
    default void notice(String text) {
    }

    /** A listener that ignores everything. */
    static BuildListener none() {
        return new BuildListener() {
            @Override
            public void started(int id, String stage, int index, int total, String instruction) {
            }

            @Override
            public void log(int id, String line) {
            }

            @Override
            public void cached(int id, String source) {
            }

            @Override
            public void done(int id, Duration elapsed, Optional<String> missReason) {
            }

            @Override
            public void failed(int id, String error) {
            }

            @Override
            public void finished(Duration elapsed, Optional<String> imageDigest) {
            }
        };
    }
}
