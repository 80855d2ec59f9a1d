package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One cache ref shared by a team, against Debian's docker-registry, every job on an empty
 * STRATA_HOME: branches alternating, exports racing, the multi-stage inline command, what is downloaded.
 */
class TeamCacheTest extends RegistryScenario {
    private static final Pattern BLOB_GET = Pattern.compile("^GET /v2/.+/blobs/(sha256:[0-9a-f]{64}) 200");

    static final String MULTI = """
            FROM %s/base:1 AS builder
            WORKDIR /src
            COPY main.txt /src/main.txt
            RUN cat main.txt > app.bin && i=0; while [ $i -lt 2000 ]; do echo "line $i of the build" >> app.bin; i=$((i+1)); done
            FROM %s/base:1
            WORKDIR /app
            COPY --from=builder /src/app.bin /app/app.bin
            RUN wc -l /app/app.bin > /app/count
            COPY run.txt /app/run.txt
            """;

    private Path branch(String name, String requirements) throws Exception {
        Path ctx = scenario(name, "print('same')\n");
        Files.writeString(ctx.resolve("requirements.txt"), requirements);
        return ctx;
    }

    private Path multi(String name, String run) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), MULTI.formatted(host, host));
        Files.writeString(ctx.resolve("main.txt"), "main v1\n");
        Files.writeString(ctx.resolve("run.txt"), run);
        return ctx;
    }

    /** Bytes of blobs the registry served since {@code mark}. */
    private long blobBytesSince(int mark) {
        long sum = 0;
        for (String line : registry.accessLogSince(mark)) {
            Matcher m = BLOB_GET.matcher(line);
            if (m.find()) {
                sum += registry.blobSize(Digest.parse(m.group(1)));
            }
        }
        return sum;
    }

    private static JsonNode export(Job j) {
        return j.report().path("exports").path(0);
    }

    @Test
    void twoBranchesAlternatingOnOneRefHitEveryStepFromRoundTwo() throws Exception {
        String cache = host + "/team:buildcache";
        String[] flags = {"--cache-from", cache, "--cache-to", "type=registry,ref=" + cache + ",mode=max"};
        Path a = branch("branch-a", "requests==2.31.0\n");
        Path b = branch("branch-b", "flask==3.0.0\n");
        for (int round = 1; round <= 3; round++) {
            Job ja = job("a" + round, a, flags);
            Job jb = job("b" + round, b, flags);
            if (round == 1) {
                // B shares the steps above COPY requirements.txt with A
                assertThat(jb.hits()).as(jb.run().out()).isEqualTo(2);
                assertThat(export(jb).path("mergedIn").asInt()).isEqualTo(4);
                continue;
            }
            assertThat(ja.hits()).as("round %d A: %s", round, ja.run().out()).isEqualTo(6);
            assertThat(jb.hits()).as("round %d B: %s", round, jb.run().out()).isEqualTo(6);
            assertThat(jb.run().out()).contains("merged in");
        }
        // both branches' records, each once: 2 shared, 4 of A, 4 of B
        assertThat(cacheAt(cache).records()).hasSize(10);
    }

    @Test
    void revertingABuildArgHitsTheBuildTwoJobsAgo() throws Exception {
        String cache = host + "/revert:buildcache";
        Path ctx = Files.createDirectories(tmp.resolve("revert"));
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM %s/base:1
                ARG LEVEL=1
                ENV MODE=fast
                RUN echo "level $LEVEL $MODE" > /level
                """.formatted(host));
        String[] flags = {"--cache-from", cache, "--cache-to", "type=registry,ref=" + cache};
        job("r1", ctx, withArg(flags, "LEVEL=1"));
        Job two = job("r2", ctx, withArg(flags, "LEVEL=2"));
        assertThat(two.hits()).isZero();
        Job back = job("r3", ctx, withArg(flags, "LEVEL=1"));
        assertThat(back.hits()).as(back.run().out()).isEqualTo(1);
    }

    private static String[] withArg(String[] flags, String arg) {
        List<String> out = new ArrayList<>(List.of(flags));
        out.add("--build-arg");
        out.add(arg);
        return out.toArray(String[]::new);
    }

    @Test
    void fourVariantsExportingAtOnceAllHitAfterwards() throws Exception {
        String cache = host + "/race:buildcache";
        String[] flags = {"--cache-from", cache, "--cache-to", "type=registry,ref=" + cache + ",mode=max"};
        List<Path> variants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            variants.add(branch("race-" + i, "pkg" + i + "==1.0\n"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Job>> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                jobs.add(pool.submit(() -> job("race-w" + n, variants.get(n), flags)));
            }
            for (Future<Job> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        CacheManifest after = cacheAt(cache);
        Set<String> copies = new HashSet<>();
        for (CacheRecord r : after.records()) {
            copies.add(r.inputs().instruction());
        }
        assertThat(after.records()).as(copies.toString()).hasSize(2 + 4 * 4);
        for (int i = 0; i < 4; i++) {
            Job fresh = job("race-r" + i, variants.get(i), "--cache-from", cache);
            assertThat(fresh.hits()).as("variant %d: %s", i, fresh.run().out()).isEqualTo(6);
        }
    }

    @Test
    void theTeamsInlineCommandOnAMultiStageBuildHitsTheBuilderAndDownloadsNoLayer() throws Exception {
        String image = host + "/multi:latest";
        String[] flags = {"--cache-from", image, "--build-arg", "BUILDKIT_INLINE_CACHE=1", "-t", image, "--push"};
        Job one = job("m1", multi("m1", "run 1\n"), flags);
        assertThat(one.hits()).isZero();
        int mark = registry.accessLog().size();
        Job two = job("m2", multi("m2", "run 1\n"), flags);
        assertThat(two.hits()).as(two.run().out()).isEqualTo(7);
        assertThat(two.run().out()).doesNotContain("line 1999 of the build");
        // a changed last COPY: it misses, everything above (builder included) still hits
        Job three = job("m3", multi("m3", "run 3\n"), flags);
        assertThat(three.hits()).as(three.run().out()).isEqualTo(6);
        Job four = job("m4", multi("m4", "run 3\n"), flags);
        assertThat(four.hits()).as(four.run().out()).isEqualTo(7);
        assertThat(blobBytesSince(mark)).as("blob bytes downloaded by jobs 2-4").isLessThan(64 * 1024);
    }

    @Test
    void modeMaxOnAMultiStageBuildDownloadsNoLayerWhenEveryStepHits() throws Exception {
        String cache = host + "/multimax:buildcache";
        String[] flags = {
            "--cache-from", cache, "--cache-to", "type=registry,ref=" + cache + ",mode=max", "-t", host + "/multimax:1"
        };
        job("x1", multi("x1", "run 1\n"), flags);
        int mark = registry.accessLog().size();
        for (int i = 2; i <= 4; i++) {
            Job j = job("x" + i, multi("x" + i, "run 1\n"), flags);
            assertThat(j.hits()).as(j.run().out()).isEqualTo(7);
        }
        assertThat(blobBytesSince(mark)).as("blob bytes downloaded by jobs 2-4").isLessThan(64 * 1024);
    }
}
