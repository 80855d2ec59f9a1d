package dev.strata.engine;

import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.engine.StrataProcess.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code strata cache inspect|prune} on a registry cache and a directory cache, as real processes. */
class CacheCommandTest extends RegistryScenario {
    @Test
    void inspectListsEveryRecordAndPruneAppliesTheRetentionNow() throws Exception {
        String cache = host + "/inspect:buildcache";
        String[] flags = {"--cache-from", cache, "--cache-to", "type=registry,ref=" + cache};
        job("i1", scenario("i1", "print(1)\n"), flags);
        job("i2", scenario("i2", "print(2)\n"), flags);
        Path home = tmp.resolve("home-cli");

        Run text = strata(home, "cache", "inspect", cache);
        assertThat(text.code()).as(text.out()).isZero();
        assertThat(text.out())
                .contains("cache " + cache + " sha256:")
                .contains("STAGE")
                .contains("stage-0")
                .contains("RUN cat requirements.txt > /opt/tool/installed.txt")
                .contains("7 records, ");

        Run json = strata(home, "cache", "inspect", "--format", "json", cache);
        JsonNode o = JSON.readTree(json.out());
        assertThat(o.path("records")).hasSize(7);
        assertThat(o.path("size").asLong()).isPositive();
        assertThat(o.path("records").get(0).path("lastUsed").asText()).matches("\\d{4}-\\d{2}-\\d{2}");

        // a budget of 1 KiB keeps only the most recently used records that fit, never a partial one
        Run prune = strata(home, "cache", "prune", "--max-size", "1k", "--format", "json", cache);
        assertThat(prune.code()).as(prune.out()).isZero();
        JsonNode p = JSON.readTree(prune.out());
        assertThat(p.path("dropped").asInt()).isPositive();
        assertThat(p.path("size").asLong()).isLessThanOrEqualTo(1024);
        assertThat(cacheAt(cache).records()).hasSize(p.path("kept").asInt());
        // the pruned cache still serves: a fresh build hits what was kept and misses the rest
        Job after = job("i3", scenario("i3", "print(2)\n"), "--cache-from", cache);
        assertThat(after.hits()).isLessThan(6);
    }

    @Test
    void pruningADirectoryCacheRemovesTheBlobsItNoLongerLists() throws Exception {
        Path cache = tmp.resolve("dircache");
        String[] flags = {"--cache-from", "type=local,src=" + cache, "--cache-to", "type=local,dest=" + cache};
        job("d1", scenario("d1", "print(1)\n"), flags);
        job("d2", scenario("d2", "print(2)\n"), flags);
        Path blobs = cache.resolve("blobs/sha256");
        // as if the exports were an hour old: the sweep spares blobs younger than 10 minutes
        try (Stream<Path> s = Files.list(blobs)) {
            for (Path b : s.toList()) {
                Files.setLastModifiedTime(b, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        }
        long before = count(blobs);
        Run prune = strata(tmp.resolve("home-d"), "cache", "prune", "--max-age", "0s", cache.toString());
        assertThat(prune.code()).as(prune.out()).isZero();
        assertThat(prune.out()).contains("kept 0 records").contains("dropped 7").contains("removed ");
        assertThat(count(blobs)).isLessThan(before);
        Run inspect = strata(tmp.resolve("home-d"), "cache", "inspect", cache.toString());
        assertThat(inspect.out()).contains("0 records");
    }

    @Test
    void aMissingCacheOrABadBoundIsAUsageError() throws Exception {
        Path home = tmp.resolve("home-bad");
        Run missing = strata(home, "cache", "inspect", host + "/nothing:here");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.out()).contains("no cache at " + host + "/nothing:here");
        Run bad = strata(home, "cache", "prune", "--max-age", "soon", host + "/nothing:here");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).contains("--max-age: 'soon' is not an age");
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
