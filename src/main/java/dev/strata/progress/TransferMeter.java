package dev.strata.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns byte counts into {@link BlobProgress} events for one listener: one when a transfer starts,
 * at most one per {@link #EVERY} while it runs (a 1 GiB layer read in 8 KiB buffers must not become
 * a hundred thousand events), and one when it ends.
 */
public final class TransferMeter {
    static final Duration EVERY = Duration.ofMillis(100);

    private final ProgressListener listener;
    private final Clock clock;

    public TransferMeter(ProgressListener listener) {
        this(listener, Clock.systemUTC());
    }

    public TransferMeter(ProgressListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    /** A meter that reports nothing, for commands without progress output. */
    public static TransferMeter none() {
        return new TransferMeter(e -> {});
    }

    /** Starts counting one transfer of {@code total} bytes of {@code digest}. */
    public Counter start(Transfer transfer, String digest, long total) {
        Counter c = new Counter(transfer, digest, total);
        emit(new BlobProgress(transfer, digest, 0, total, false));
        return c;
    }

    private void emit(BlobProgress p) {
        // the listener's monitor, as the engine's other events take it: renderers see one event at a time
        synchronized (listener) {
            listener.on(p);
        }
    }

    /** One transfer's count; {@link #end()} may be called more than once (close after EOF). */
    public final class Counter {
        private final Transfer transfer;
        private final String digest;
        private final long total;
        private long bytes;
        private Instant last;
        private boolean ended;

        private Counter(Transfer transfer, String digest, long total) {
            this.transfer = transfer;
            this.digest = digest;
            this.total = total;
            this.last = clock.instant();
        }

        public synchronized void add(long n) {
            if (ended || n <= 0) {
                return;
            }
            bytes += n;
            Instant now = clock.instant();
            if (bytes < total && Duration.between(last, now).compareTo(EVERY) >= 0) {
                last = now;
                emit(new BlobProgress(transfer, digest, bytes, total, false));
            }
        }

        public synchronized void end() {
            if (!ended) {
                ended = true;
                emit(new BlobProgress(transfer, digest, bytes, total, true));
            }
        }
    }
}
