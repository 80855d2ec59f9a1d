package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheOptions;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheReport;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention through real builds on empty stores into one directory cache: records age out by the
 * day the export runs, a size bound holds over many exports, and the last build is always whole.
 */
class RetentionBuildTest {
    @TempDir
    Path dir;

    private static final String DF = "FROM scratch\nWORKDIR /app\nCOPY a.txt /app/a.txt\nCOPY b.txt /app/b.txt\n";
    private static final Instant DAY0 = Instant.parse("2026-11-01T09:00:00Z");

    private int builds;

    private BuildResult build(String a, String b, String cacheTo, int day) throws Exception {
        BuildFixture f = new BuildFixture(dir.resolve("job-" + builds++)).files(DF, Map.of("a.txt", a, "b.txt", b));
        Path cache = dir.resolve("cache");
        Clock clock = Clock.fixed(DAY0.plusSeconds(86_400L * day), ZoneOffset.UTC);
        CacheOptions opts = new CacheOptions(
                List.of(CacheSpec.parseFrom("type=local,src=" + cache)),
                List.of(CacheSpec.parseTo("type=local,dest=" + cache + cacheTo)),
                clock);
        return f.build(BuildRequest.builder(f.context).cache(opts).build());
    }

    private CacheManifest cache() {
        return DirCache.read(CacheSpec.parseFrom("type=local,src=" + dir.resolve("cache")))
                .orElseThrow()
                .manifest();
    }

    private static Set<String> instructions(CacheManifest c) {
        Set<String> out = new HashSet<>();
        c.records()
                .forEach(r -> out.add(r.inputs().instruction() + " " + r.layer().map(Descriptor::digest)));
        return out;
    }

    @Test
    void recordsUnusedForMaxAgeGoAndAHitKeepsARecordAlive() throws Exception {
        build("A", "one", "", 0);
        build("A", "two", "", 1);
        assertThat(cache().records()).hasSize(4); // WORKDIR, COPY a, COPY b twice
        // day 10: "one" hit, so its record is fresh again
        BuildResult hit = build("A", "one", "", 10);
        assertThat(hit.cachedSteps()).isEqualTo(3);
        // day 20 with a week's retention: "two" (last used day 1) goes, "one" (day 10) is too old as well
        BuildResult late = build("A", "three", ",max-age=7d", 20);
        CacheReport.Export x = late.exports().get(0);
        assertThat(x.dropped()).isEqualTo(2);
        assertThat(x.fromBuild()).isEqualTo(3);
        assertThat(cache().records()).hasSize(3);
        // day 22 with the default 14 days: "three" (day 20) and the new "four" are both kept
        build("A", "four", "", 22);
        assertThat(cache().records()).hasSize(4);
        for (CacheRecord r : cache().records()) {
            assertThat(r.lastUsed()).isPresent();
        }
    }

    @Test
    void aSizeBoundHoldsOverManyExportsAndTheLastBuildIsWhole() throws Exception {
        exports(12);
    }

    @Test
    @Tag("slow")
    void aSizeBoundHoldsOverAHundredExports() throws Exception {
        exports(100);
    }

    private void exports(int count) throws Exception {
        long bound = 0;
        for (int i = 0; i < count; i++) {
            // content that does not compress: each export brings a new ~400-byte layer
            String b = Digest.sha256(("v" + i).getBytes(StandardCharsets.UTF_8))
                    .hex()
                    .repeat(8);
            BuildResult r = build("A", b, ",max-size=2k", i / 3);
            CacheManifest c = cache();
            long size = c.blobs().stream().mapToLong(Descriptor::size).sum();
            assertThat(size).as("export %d", i).isLessThanOrEqualTo(2048);
            assertThat(r.exports().get(0).fromBuild()).isEqualTo(3);
            Set<String> layers = new HashSet<>();
            c.records()
                    .forEach(x -> x.layer().ifPresent(l -> layers.add(l.digest().toString())));
            for (StepReport s : r.steps()) {
                s.layerDigest().ifPresent(d -> assertThat(layers).contains(d));
            }
            bound = Math.max(bound, c.records().size());
        }
        assertThat(bound).as("records kept at most").isLessThan(12);
    }
}
