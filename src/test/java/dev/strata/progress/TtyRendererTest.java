package dev.strata.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The live view as a terminal shows it, frame by frame (ticker off, a clock the test moves). */
class TtyRendererTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String LAYER = "sha256:3170e96df216" + "0".repeat(52);
    static final long MIB = 1024 * 1024;

    /** A clock a test moves by hand. */
    static final class Hand extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);

        void advance(long millis) {
            now.set(now.get().plusMillis(millis));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    final Hand clock = new Hand();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    TtyRenderer renderer(TerminalSize size) {
        return new TtyRenderer(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock, () -> size, false);
    }

    List<String> screen() {
        Screen s = new Screen();
        s.feed(bytes.toString(StandardCharsets.UTF_8));
        return s.lines();
    }

    @Test
    void runningStepsShowTimersAndTheirLastLinesWhileFinishedOnesScrollUp() {
        TtyRenderer r = renderer(new TerminalSize(80, 24));
        r.on(new StepStarted(3, "build", 2, 5, "RUN pip install -r requirements.txt", T0));
        r.on(new StepStarted(4, "test", 1, 2, "COPY run_test.py /usr/src/app/", T0));
        clock.advance(300);
        r.on(new StepCached(4, "local"));
        for (int i = 1; i <= 7; i++) {
            r.on(new StepLog(3, "Collecting package-" + i));
        }
        clock.advance(1900);
        r.on(new StepLog(3, "\u001b[32mDownloading\u001b[0m wheel\r"));
        assertThat(screen())
                .containsExactly(
                        "#4 [test 1/2] COPY run_test.py /usr/src/app/",
                        "#4 CACHED",
                        "[+] 2.2s 1 cached, 0 run, 1 running; pulled 0 B, pushed 0 B, exported 0 B",
                        "#3 [build 2/5] RUN pip install -r requirements.txt" + " ".repeat(25) + "2.2s",
                        "  Collecting package-4",
                        "  Collecting package-5",
                        "  Collecting package-6",
                        "  Collecting package-7",
                        "  Downloading wheel");
        assertThat(screen()).allMatch(l -> l.length() < 80);

        r.on(new StepDone(3, Duration.ofMillis(2200), Optional.of("build arg PIP_PROXY changed")));
        r.on(new CacheSummary(1, 2, "#3 MISS RUN pip (build arg PIP_PROXY changed)\n1 of 2 steps cached\n"));
        r.on(new BuildDone(Duration.ofMillis(2500), Optional.of("sha256:ab")));
        assertThat(screen())
                .containsExactly(
                        "#4 [test 1/2] COPY run_test.py /usr/src/app/",
                        "#4 CACHED",
                        "#3 [build 2/5] RUN pip install -r requirements.txt",
                        "#3 MISS: build arg PIP_PROXY changed",
                        "#3 DONE 2.2s",
                        "#3 MISS RUN pip (build arg PIP_PROXY changed)",
                        "1 of 2 steps cached",
                        "[+] 1 hit, 1 miss; pulled 0 B, pushed 0 B, cache exported 0 B in 2.5s",
                        "DONE 2.5s sha256:ab");
    }

    @Test
    void aFailedStepLeavesItsLastLinesOnTheScreen() {
        TtyRenderer r = renderer(TerminalSize.DEFAULT);
        r.on(new StepStarted(5, "build", 3, 5, "RUN make", T0));
        r.on(new StepLog(5, "cc: error: no input files"));
        r.on(new StepFailed(5, "exit code 1"));
        assertThat(screen())
                .containsExactly("#5 [build 3/5] RUN make", "  cc: error: no input files", "#5 ERROR: exit code 1");
    }

    @Test
    void blobTransfersShowBytesOfTotalAndAddUpInTheSummary() {
        TtyRenderer r = renderer(new TerminalSize(100, 24));
        r.on(new BlobProgress(Transfer.PULL, LAYER, 0, 4 * MIB, false));
        clock.advance(500);
        r.on(new BlobProgress(Transfer.PULL, LAYER, MIB, 4 * MIB, false));
        r.on(new BlobProgress(Transfer.EXPORT, "sha256:" + "a".repeat(64), 0, 2048, false));
        assertThat(screen())
                .containsExactly(
                        "[+] 0.5s 0 cached, 0 run, 0 running; pulled 1.0 MiB, pushed 0 B, exported 0 B",
                        "pull 3170e96df216 [=======>                      ] 1.0 MiB / 4.0 MiB 0.5s",
                        "export aaaaaaaaaaaa [>                             ] 0 B / 2.0 KiB 0.0s");
        r.on(new BlobProgress(Transfer.PULL, LAYER, 4 * MIB, 4 * MIB, true));
        r.on(new BlobProgress(Transfer.EXPORT, "sha256:" + "a".repeat(64), 2048, 2048, true));
        r.on(new BlobProgress(Transfer.PUSH, LAYER, 3 * MIB, 3 * MIB, true));
        // nothing live any more: the area is gone, so lines printed by others land right below
        assertThat(screen()).isEmpty();
        r.on(new CacheSummary(2, 2, "2 of 2 steps cached\n"));
        r.on(new BuildDone(Duration.ofSeconds(1), Optional.empty()));
        assertThat(screen())
                .containsExactly(
                        "2 of 2 steps cached",
                        "[+] 2 hits, 0 misses; pulled 4.0 MiB, pushed 3.0 MiB, cache exported 2.0 KiB in 1.0s",
                        "DONE 1.0s");
    }

    @Test
    void aNarrowTerminalGetsOneShortLinePerItem() {
        TtyRenderer r = renderer(new TerminalSize(30, 24));
        r.on(new StepStarted(3, "build", 2, 5, "RUN pip install -r requirements.txt --no-cache-dir", T0));
        r.on(new StepLog(3, "Collecting flask from a very long index url that goes on"));
        r.on(new BlobProgress(Transfer.PULL, LAYER, MIB, 4 * MIB, false));
        clock.advance(1200);
        r.on(new StepLog(3, "more"));
        assertThat(screen())
                .containsExactly(
                        "[+] 1.2s 1 running, 0 done", "#3 [build 2/5] RUN pi... 1.2s", "pull 3170e96df216 25% 1.0 ...");
        assertThat(screen()).allMatch(l -> l.length() <= 29);
    }

    @Test
    void aShortTerminalGetsNoMoreLinesThanItHasRows() {
        TtyRenderer r = renderer(new TerminalSize(80, 5));
        for (int id = 1; id <= 6; id++) {
            r.on(new StepStarted(id, "s" + id, 1, 1, "RUN sleep " + id, T0));
            r.on(new StepLog(id, "output of " + id));
        }
        List<String> shown = screen();
        assertThat(shown).hasSize(4);
        assertThat(shown.get(0)).startsWith("[+] ");
        assertThat(shown.get(1)).startsWith("#1 [s1 1/1] RUN sleep 1");
        assertThat(shown.get(3)).isEqualTo("... and 4 more");
    }

    @Test
    void redrawsAreBoundedWhenARunPrintsFast() throws Exception {
        Clock still = Clock.fixed(T0, ZoneOffset.UTC);
        TtyRenderer r = new TtyRenderer(
                new PrintStream(bytes, true, StandardCharsets.UTF_8), still, () -> TerminalSize.DEFAULT, true);
        r.on(new StepStarted(1, "build", 1, 1, "RUN yes | head -n 5000", T0));
        for (int i = 0; i < 5000; i++) {
            r.on(new StepLog(1, "y " + i));
        }
        Thread.sleep(3 * TtyRenderer.FRAME.toMillis());
        r.on(new StepDone(1, Duration.ofSeconds(1), Optional.empty()));
        String out = bytes.toString(StandardCharsets.UTF_8);
        // one draw for the start, a few ticks, one for the end: not one per line
        long redraws = out.split("\r", -1).length - 1;
        assertThat(redraws).isBetween(1L, 10L);
        assertThat(screen()).containsExactly("#1 [build 1/1] RUN yes | head -n 5000", "#1 DONE 1.0s");
    }

    @Test
    void aMeterReportsStartThrottledProgressAndEndOnce() {
        List<BlobProgress> seen = new ArrayList<>();
        TransferMeter meter = new TransferMeter(e -> seen.add((BlobProgress) e), clock);
        TransferMeter.Counter c = meter.start(Transfer.PUSH, LAYER, 10_000);
        for (int i = 0; i < 50; i++) {
            c.add(100); // no time passes: no event
        }
        clock.advance(TransferMeter.EVERY.toMillis());
        c.add(100);
        c.end();
        c.end();
        assertThat(seen)
                .containsExactly(
                        new BlobProgress(Transfer.PUSH, LAYER, 0, 10_000, false),
                        new BlobProgress(Transfer.PUSH, LAYER, 5_100, 10_000, false),
                        new BlobProgress(Transfer.PUSH, LAYER, 5_100, 10_000, true));
    }
}
