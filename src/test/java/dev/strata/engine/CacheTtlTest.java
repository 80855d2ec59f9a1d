package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strata.cache.CacheOptions;
import dev.strata.cache.TtlPolicy;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.DockerfileException;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.progress.PlainRenderer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-step expiry through real builds (RUN in the runtime) on one store, the clock moved by hand:
 * a record older than its ttl misses with its age, the steps after it follow, the others hit.
 */
class CacheTtlTest extends MountCheckedTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    /** The middle RUN stands for `apt-get update`: a new result every time it runs. */
    private static final String DF = """
            FROM test/busybox:latest
            RUN echo base > /base
            # refreshed daily: the package index moves
            # strata:ttl=24h
            RUN cat /proc/sys/kernel/random/uuid > /index
            RUN cp /index /installed
            COPY a.txt /a.txt
            """;

    private BuildFixture f;
    private String plain;

    @AfterEach
    void noRunLeftovers() throws Exception {
        BuildFixture.assertNoRunLeftovers(dir.resolve("store/tmp"));
    }

    private BuildResult build(Duration after, TtlPolicy ttls) {
        Clock clock = Clock.fixed(T0.plus(after), ZoneOffset.UTC);
        CacheOptions opts = new CacheOptions(List.of(), List.of(), clock).withTtls(ttls);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BuildResult r = Engine.build(
                BuildRequest.builder(f.context).cache(opts).build(),
                f.store,
                new PlainRenderer(new PrintStream(out, true, StandardCharsets.UTF_8), clock));
        plain = out.toString(StandardCharsets.UTF_8);
        return r;
    }

    private static List<String> outcome(BuildResult r) {
        return r.steps().stream()
                .map(s -> s.cached() ? "hit" : "miss: " + s.missReason().orElse(""))
                .toList();
    }

    @Test
    void aRecordOlderThanItsTtlMissesWithItsAgeAndTheStepsAfterFollow() throws Exception {
        f = new BuildFixture(dir).withBusybox().files(DF, Map.of("a.txt", "a"));
        build(Duration.ZERO, TtlPolicy.none());
        // 23 hours later: young enough, every step hits
        assertThat(outcome(build(Duration.ofHours(23), TtlPolicy.none()))).containsExactly("hit", "hit", "hit", "hit");
        BuildResult late = build(Duration.ofHours(26), TtlPolicy.none());
        assertThat(outcome(late))
                .containsExactly(
                        "hit",
                        "miss: record is 26h old, ttl 24h",
                        "miss: parent layers changed (step 3 missed)",
                        // the same file on a new parent: a new key as well
                        "miss: parent layers changed (step 4 missed)");
        assertThat(plain).contains("#3 MISS: record is 26h old, ttl 24h\n");
        // the re-run made a fresh record: an hour later (27h after the first build) all hit again
        assertThat(outcome(build(Duration.ofHours(27), TtlPolicy.none()))).containsExactly("hit", "hit", "hit", "hit");
        // and the age is the re-run's: 51h after the first build is 25h after the second
        assertThat(outcome(build(Duration.ofHours(51), TtlPolicy.none())).get(1))
                .isEqualTo("miss: record is 25h old, ttl 24h");
    }

    @Test
    void cacheTtlSetsADefaultForRunsAndPerStageAndTheCommentWins() throws Exception {
        String df = """
                FROM test/busybox:latest AS base
                RUN cat /proc/sys/kernel/random/uuid > /base-id
                FROM base
                RUN cat /proc/sys/kernel/random/uuid > /app-id
                # strata:ttl=7d
                RUN cat /proc/sys/kernel/random/uuid > /weekly
                WORKDIR /app
                """;
        f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        TtlPolicy ttls = TtlPolicy.parse(List.of("12h", "base=2h"));
        build(Duration.ZERO, ttls);
        // 3h: only base's RUN is too old (2h); the rest follows it, as its layer is new
        assertThat(outcome(build(Duration.ofHours(3), ttls)))
                .containsExactly(
                        "miss: record is 3h old, ttl 2h",
                        "miss: parent layers changed (step 2 missed)",
                        "miss: parent layers changed (step 3 missed)",
                        "miss: parent layers changed (step 4 missed)");
        // +4h (1h later): every record is young again
        assertThat(outcome(build(Duration.ofHours(4), ttls))).containsExactly("hit", "hit", "hit", "hit");
        // without --cache-ttl, records still hit at +20h, but the comment's 7d holds on its own
        assertThat(outcome(build(Duration.ofHours(20), TtlPolicy.none()))).containsExactly("hit", "hit", "hit", "hit");
        // +5h: base's record (run at +3h, hit since) is 2h old, beyond a new base=30m
        assertThat(outcome(build(Duration.ofHours(5), TtlPolicy.parse(List.of("base=30m"))))
                        .get(0))
                .isEqualTo("miss: record is 2h old, ttl 30m");
    }

    @Test
    void aStepsCommentWinsOverTheDefault() throws Exception {
        String df = """
                FROM test/busybox:latest
                # strata:ttl=7d
                RUN cat /proc/sys/kernel/random/uuid > /weekly
                RUN cat /proc/sys/kernel/random/uuid > /hourly
                """;
        f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        TtlPolicy hourly = TtlPolicy.parse(List.of("1h"));
        build(Duration.ZERO, hourly);
        assertThat(outcome(build(Duration.ofHours(2), hourly)))
                .containsExactly("hit", "miss: record is 2h old, ttl 1h");
    }

    @Test
    void aRecordWithoutABuildTimeExpiresOnceUnderATtl() throws Exception {
        f = new BuildFixture(dir).withBusybox().files("FROM test/busybox:latest\nRUN echo x > /x\n", Map.of());
        build(Duration.ZERO, TtlPolicy.none()); // no ttl: the record has no build time
        assertThat(outcome(build(Duration.ofMinutes(1), TtlPolicy.parse(List.of("1h")))))
                .containsExactly("miss: record has no build time (made without a ttl), ttl 1h");
        assertThat(outcome(build(Duration.ofMinutes(2), TtlPolicy.parse(List.of("1h")))))
                .containsExactly("hit");
    }

    @Test
    void aBadTtlIsAnInputErrorNamingTheLineAndABlankLineEndsTheComment() {
        assertThatThrownBy(() -> Dockerfile.parse("FROM a\n# strata:ttl=soon\nRUN x\n", "Dockerfile"))
                .isInstanceOf(DockerfileException.class)
                .hasMessage("Dockerfile:2:1: # strata:ttl=soon is not a duration; use a number and s, m, h, d or w,"
                        + " as in # strata:ttl=24h");
        Dockerfile d = Dockerfile.parse("FROM a\n# strata:ttl=1h\n\nRUN x\n#strata:ttl = 2d\nRUN y\n", "Dockerfile");
        assertThat(d.stages().get(0).instructions().get(0).node().ttl()).isEmpty();
        assertThat(d.stages()
                        .get(0)
                        .instructions()
                        .get(1)
                        .node()
                        .ttl()
                        .orElseThrow()
                        .duration())
                .isEqualTo(Duration.ofDays(2));
        Dockerfile env = Dockerfile.parse("FROM a\n# strata:ttl=1h\nENV A=1\n", "Dockerfile");
        assertThat(env.warnings()).anySatisfy(w -> assertThat(w.rule()).isEqualTo("StrataTtlIgnored"));
        StrataException bad =
                catchThrowableOfType(() -> TtlPolicy.parse(List.of("base=tomorrow")), StrataException.class);
        assertThat(bad.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(bad).hasMessageContaining("--cache-ttl \"base=tomorrow\"");
    }
}
