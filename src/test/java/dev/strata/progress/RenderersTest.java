package dev.strata.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderersTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0.plusMillis(512), ZoneOffset.UTC);

    /** Two stages interleaved: step 3 runs while step 4 is cached, then 3 misses and finishes. */
    static final List<BuildEvent> SCRIPT = List.of(
            new StepStarted(3, "build", 2, 5, "RUN pip install -r requirements.txt", T0),
            new StepStarted(4, "test", 1, 2, "COPY run_test.py /usr/src/app/", T0),
            new StepLog(3, "Collecting flask"),
            new StepCached(4, "local"),
            new StepDone(3, Duration.ofMillis(400), Optional.of("build arg PIP_PROXY changed")),
            new StepStarted(5, "build", 3, 5, "RUN false", T0),
            new StepFailed(5, "exit code 1"),
            new Notice("note"),
            new BuildDone(Duration.ofMillis(1200), Optional.of("sha256:ab")));

    @Test
    void plainPrintsBuildKitStyleLines() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PlainRenderer r = new PlainRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), CLOCK);
        SCRIPT.forEach(r::on);
        assertThat(b.toString(StandardCharsets.UTF_8))
                .isEqualTo(String.join(
                        "\n",
                        "#3 [build 2/5] RUN pip install -r requirements.txt",
                        "#4 [test 1/2] COPY run_test.py /usr/src/app/",
                        "#3 0.512 Collecting flask",
                        "#4 CACHED",
                        "#3 MISS: build arg PIP_PROXY changed",
                        "#3 DONE 0.4s",
                        "#5 [build 3/5] RUN false",
                        "#5 ERROR: exit code 1",
                        "note",
                        "DONE 1.2s sha256:ab",
                        ""));
    }

    @Test
    void jsonPrintsOneObjectPerLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JsonRenderer r = new JsonRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), CLOCK);
        SCRIPT.subList(0, 5).forEach(r::on);
        assertThat(b.toString(StandardCharsets.UTF_8).split("\n"))
                .containsExactly(
                        "{\"type\":\"step.started\",\"id\":3,\"time\":\"2026-01-01T00:00:00Z\",\"stage\":\"build\",\"index\":2,"
                                + "\"total\":5,\"instruction\":\"RUN pip install -r requirements.txt\"}",
                        "{\"type\":\"step.started\",\"id\":4,\"time\":\"2026-01-01T00:00:00Z\",\"stage\":\"test\",\"index\":1,"
                                + "\"total\":2,\"instruction\":\"COPY run_test.py /usr/src/app/\"}",
                        "{\"type\":\"step.log\",\"id\":3,\"line\":\"Collecting flask\",\"time\":\"2026-01-01T00:00:00.512Z\"}",
                        "{\"type\":\"step.cached\",\"id\":4,\"source\":\"local\",\"time\":\"2026-01-01T00:00:00.512Z\"}",
                        "{\"type\":\"step.done\",\"id\":3,\"elapsedMs\":400,\"miss\":\"build arg PIP_PROXY changed\","
                                + "\"time\":\"2026-01-01T00:00:00.512Z\"}");
    }

    @Test
    void cacheSummaryEndsPlainAndTtyOutputAndIsCountsInJson() {
        CacheSummary c = new CacheSummary(
                1, 2, "#2 HIT  RUN a (from local)\n#3 MISS COPY b /b (file /b changed)\n1 of 2 steps cached\n");
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        new PlainRenderer(new PrintStream(plain, true, StandardCharsets.UTF_8), CLOCK).on(c);
        assertThat(plain.toString(StandardCharsets.UTF_8)).isEqualTo(c.text());
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        new TtyRenderer(new PrintStream(tty, true, StandardCharsets.UTF_8), CLOCK, () -> TerminalSize.DEFAULT, false)
                .on(c);
        assertThat(tty.toString(StandardCharsets.UTF_8)).isEqualTo(c.text());
        assertThat(new JsonRenderer(new PrintStream(new ByteArrayOutputStream()), CLOCK)
                        .toJson(c)
                        .toString())
                .isEqualTo("{\"type\":\"cache.summary\",\"hits\":1,\"total\":2,\"time\":\"2026-01-01T00:00:00.512Z\"}");
    }

    @Test
    void autoFallsBackToPlainWithoutATerminal() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(Renderers.forMode("auto", out, false)).isInstanceOf(PlainRenderer.class);
        // asked for by name, tty is honoured even into a pipe
        assertThat(Renderers.forMode("tty", out, false)).isInstanceOf(TtyRenderer.class);
        assertThat(Renderers.forMode("auto", out, true)).isInstanceOf(TtyRenderer.class);
        assertThat(Renderers.forMode("json", out, true)).isInstanceOf(JsonRenderer.class);
        assertThat(Renderers.forMode("plain", out, true)).isInstanceOf(PlainRenderer.class);
        assertThatThrownBy(() -> Renderers.forMode("fancy", out, true))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("plain, tty, json or auto");
    }

    @Test
    void plainPrintsOneLinePerFinishedTransferAndJsonEveryByteEvent() {
        String digest = "sha256:3170e96df2160000000000000000000000000000000000000000000000000000";
        List<BuildEvent> events = List.of(
                new BlobProgress(Transfer.PULL, digest, 0, 3 * 1024 * 1024, false),
                new BlobProgress(Transfer.PULL, digest, 1024 * 1024, 3 * 1024 * 1024, false),
                new BlobProgress(Transfer.PULL, digest, 3 * 1024 * 1024, 3 * 1024 * 1024, true),
                new BlobProgress(Transfer.PUSH, digest, 512, 2048, true));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        PlainRenderer p = new PlainRenderer(new PrintStream(plain, true, StandardCharsets.UTF_8), CLOCK);
        events.forEach(p::on);
        assertThat(plain.toString(StandardCharsets.UTF_8))
                .isEqualTo("pull sha256:3170e96df216 3.0 MiB 0.0s\n"
                        + "push sha256:3170e96df216 512 B of 2.0 KiB, stopped 0.0s\n");
        assertThat(new JsonRenderer(new PrintStream(new ByteArrayOutputStream()), CLOCK)
                        .toJson(events.get(1))
                        .toString())
                .isEqualTo("{\"type\":\"blob.progress\",\"transfer\":\"pull\",\"digest\":\"" + digest
                        + "\",\"bytes\":1048576,\"total\":3145728,\"complete\":false,"
                        + "\"time\":\"2026-01-01T00:00:00.512Z\"}");
    }

    @Test
    void plainKeepsLinesWholeWhenStagesReportInParallel() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PlainRenderer r = new PlainRenderer(new PrintStream(b, true, StandardCharsets.UTF_8), CLOCK);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int id = t + 1;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    r.on(new StepLog(id, "line-" + id + "-" + i));
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        String[] lines = b.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(800).allMatch(l -> l.matches("#(\\d) 0\\.000 line-\\1-\\d+"));
    }
}
