package dev.strata.cli;

import dev.strata.progress.BuildDone;
import dev.strata.progress.BuildEvent;
import dev.strata.progress.ProgressListener;
import java.util.Optional;

/**
 * A listener that holds the build's {@link BuildDone} back until {@link #release()}: with
 * {@code --push} the push comes after the engine is done, and the summary line (bytes pushed
 * among them) and the final DONE belong after it.
 */
final class DoneLast implements ProgressListener {
    private final ProgressListener listener;
    private Optional<BuildDone> held = Optional.empty();

    DoneLast(ProgressListener listener) {
        this.listener = listener;
    }

    @Override
    public void on(BuildEvent event) {
        if (event instanceof BuildDone d) {
            held = Optional.of(d);
            return;
        }
        synchronized (listener) {
            listener.on(event);
        }
    }

    /** Delivers the held {@link BuildDone}, if the build got that far. */
    void release() {
        held.ifPresent(d -> {
            synchronized (listener) {
                listener.on(d);
            }
        });
        held = Optional.empty();
    }
}
