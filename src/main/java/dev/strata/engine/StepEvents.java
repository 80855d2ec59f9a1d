package dev.strata.engine;

import dev.strata.cache.CacheReport;
import dev.strata.progress.BuildDone;
import dev.strata.progress.BuildEvent;
import dev.strata.progress.CacheSummary;
import dev.strata.progress.Notice;
import dev.strata.progress.ProgressListener;
import dev.strata.progress.StepCached;
import dev.strata.progress.StepDone;
import dev.strata.progress.StepFailed;
import dev.strata.progress.StepLog;
import dev.strata.progress.StepStarted;
import dev.strata.progress.TransferMeter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The build's side of {@link ProgressListener}: one method per event, each delivered holding the
 * listener's monitor so parallel stages never interleave inside a listener that is not thread-safe.
 */
final class StepEvents {
    private final ProgressListener listener;
    private final TransferMeter meter;

    StepEvents(ProgressListener listener) {
        this.listener = listener;
        this.meter = new TransferMeter(listener);
    }

    /** Per-blob byte progress of downloads and cache exports, to the same listener. */
    TransferMeter meter() {
        return meter;
    }

    private void emit(BuildEvent e) {
        synchronized (listener) {
            listener.on(e);
        }
    }

    /** A step starts; a multi-line instruction (a heredoc) is shown by its first line. */
    void started(int id, String stage, int index, int total, String instruction) {
        int nl = instruction.indexOf('\n');
        String line = nl < 0 ? instruction : instruction.substring(0, nl) + " ...";
        emit(new StepStarted(id, stage, index, total, line, Instant.now()));
    }

    void log(int id, String line) {
        emit(new StepLog(id, line));
    }

    void cached(int id, String source) {
        emit(new StepCached(id, source));
    }

    void done(int id, Duration elapsed, Optional<String> missReason) {
        emit(new StepDone(id, elapsed, missReason));
    }

    void failed(int id, String error) {
        emit(new StepFailed(id, error));
    }

    void notice(String text) {
        emit(new Notice(text));
    }

    void summary(CacheReport report) {
        emit(new CacheSummary(report.hits(), report.steps().size(), report.toText()));
    }

    void finished(Duration elapsed, Optional<String> imageDigest) {
        emit(new BuildDone(elapsed, imageDigest));
    }
}
