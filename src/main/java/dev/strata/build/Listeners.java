package dev.strata.build;

import java.time.Duration;
import java.util.Optional;

/** Listener helpers. */
final class Listeners {
    private Listeners() {
    }

    /** Calls {@code l} holding its monitor, so parallel stages never interleave inside a renderer. */
    static BuildListener synchronizedOn(BuildListener l) {
        return new BuildListener() {
            @Override
            public void started(int id, String stage, int index, int total, String instruction) {
                synchronized (l) {
                    l.started(id, stage, index, total, instruction);
                }
            }

            @Override
            public void log(int id, String line) {
                synchronized (l) {
                    l.log(id, line);
                }
            }

            @Override
            public void cached(int id, String source) {
                synchronized (l) {
                    l.cached(id, source);
                }
            }

            @Override
            public void done(int id, Duration elapsed, Optional<String> missReason) {
                synchronized (l) {
                    l.done(id, elapsed, missReason);
                }
            }

            @Override
            public void failed(int id, String error) {
                synchronized (l) {
                    l.failed(id, error);
                }
            }

            @Override
            public void notice(String text) {
                synchronized (l) {
                    l.notice(text);
                }
            }

            @Override
            public void finished(Duration elapsed, Optional<String> imageDigest) {
                synchronized (l) {
                    l.finished(elapsed, imageDigest);
                }
            }
        };
    }
}
