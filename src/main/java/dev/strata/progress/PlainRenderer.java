package dev.strata.progress;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** BuildKit-style lines: "#3 [build 2/5] RUN ...", "#3 0.512 output", "#3 CACHED", "#3 DONE 0.4s". */
public final class PlainRenderer implements ProgressListener {
    private final PrintStream out;
    private final Map<Integer, Instant> started = new HashMap<>();
    private final Map<String, Instant> transfers = new HashMap<>();

    private final Clock clock;

    public PlainRenderer(PrintStream out) {
        this(out, Clock.systemUTC());
    }

    /** The clock times log lines relative to their step's start; tests pass a fixed one. */
    public PlainRenderer(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public synchronized void on(BuildEvent event) {
        // synchronized: one line per event, never interleaved mid-line between parallel stages
        if (event instanceof BlobProgress p) {
            transfer(p);
            return;
        }
        out.println(format(event));
        out.flush();
    }

    /** One line per blob, when its transfer ends: "pull sha256:3170e96df216 3.4 MiB 0.3s". */
    private void transfer(BlobProgress p) {
        String key = p.transfer() + " " + p.digest();
        if (!p.complete()) {
            transfers.putIfAbsent(key, clock.instant());
            return;
        }
        Instant since = transfers.remove(key);
        Duration took = since == null ? Duration.ZERO : Duration.between(since, clock.instant());
        String amount = p.bytes() >= p.total()
                ? Bytes.human(p.bytes())
                : Bytes.human(p.bytes()) + " of " + Bytes.human(p.total()) + ", stopped";
        out.println(
                p.transfer().word() + " " + p.digest().substring(0, p.digest().indexOf(':') + 1) + p.shortDigest() + " "
                        + amount + " " + oneDecimal(took));
        out.flush();
    }

    private String format(BuildEvent event) {
        if (event instanceof StepStarted s) {
            started.put(s.id(), s.at());
            return "#" + s.id() + " [" + s.stage() + " " + s.index() + "/" + s.total() + "] " + s.instruction();
        } else if (event instanceof StepLog l) {
            return "#" + l.id() + " " + seconds(elapsedSince(l.id())) + " " + l.line();
        } else if (event instanceof StepCached c) {
            return "#" + c.id() + " CACHED";
        } else if (event instanceof StepDone d) {
            return d.missReason().map(r -> "#" + d.id() + " MISS: " + r + "\n").orElse("") + "#" + d.id() + " DONE "
                    + oneDecimal(d.elapsed());
        } else if (event instanceof StepFailed f) {
            return "#" + f.id() + " ERROR: " + f.error();
        } else if (event instanceof CacheSummary c) {
            return c.text().stripTrailing();
        } else if (event instanceof BuildDone b) {
            return "DONE " + oneDecimal(b.elapsed())
                    + b.imageDigest().map(d -> " " + d).orElse("");
        }
        return ((Notice) event).text();
    }

    private Duration elapsedSince(int id) {
        Instant s = started.get(id);
        return s == null ? Duration.ZERO : Duration.between(s, clock.instant());
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, d.toMillis()) / 1000.0);
    }

    static String oneDecimal(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
