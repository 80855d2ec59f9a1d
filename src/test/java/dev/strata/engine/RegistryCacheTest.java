package dev.strata.engine;

import static dev.strata.engine.StrataProcess.skopeo;
import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.cache.CacheManifest;
import dev.strata.engine.StrataProcess.Run;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryFixture;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code --cache-from}/{@code --cache-to} against Debian's docker-registry, as real processes: the CI
 * scenario of SCENARIO.md (every job on an empty STRATA_HOME), what the registry's access log shows
 * was fetched and pushed, mode=min/max, the local directory form and bad input.
 */
class RegistryCacheTest extends RegistryScenario {
    private static List<String> uploads(List<String> log) {
        return log.stream().filter(l -> l.contains("/blobs/uploads/")).toList();
    }

    @Test
    void everyCiJobOnAnEmptyRunnerReusesEveryUnchangedStepFromTheRegistryCache() throws Exception {
        String cache = host + "/app:buildcache";
        String[] flags = {
            "--cache-to",
            "type=registry,ref=" + cache + ",mode=max",
            "--cache-from",
            cache,
            "-t",
            host + "/app:latest",
            "--push"
        };

        // job 1: no cache yet: a warning, not a failure; everything runs
        Job one = job("1", scenario("ctx1", "print('v1')\n"), flags);
        assertThat(one.run().out()).contains("warning: cache " + cache + " not found; building without it");
        assertThat(one.hits()).isZero();
        assertThat(one.steps()).hasSize(6);
        assertThat(cacheAt(cache).records()).hasSize(6);

        // job 2: run_test.py changed: every step but the last hits, from the registry; the miss names the file
        Job two = job("2", scenario("ctx2", "print('v2')\n"), flags);
        assertThat(two.hits()).as(two.run().out()).isEqualTo(5);
        List<JsonNode> s2 = two.steps();
        assertThat(s2.subList(0, 5))
                .allSatisfy(s -> assertThat(s.path("source").asText()).isEqualTo("registry:" + cache));
        assertThat(s2.get(5).path("hit").asBoolean()).isFalse();
        assertThat(s2.get(5).path("reason").asText()).isEqualTo("file /usr/src/app/run_test.py changed");
        assertThat(two.run().out()).contains("(from registry:" + cache + ")");

        // job 3: changed again: the same, never the every-other-job full rebuild
        Job three = job("3", scenario("ctx3", "print('v3')\n"), flags);
        assertThat(three.hits()).as(three.run().out()).isEqualTo(5);
        assertThat(three.steps().get(5).path("reason").asText()).isEqualTo("file /usr/src/app/run_test.py changed");
        CacheManifest afterThree = cacheAt(cache);
        // merged: the run_test.py COPY of jobs 1 and 2 stays next to job 3's (a revert would hit it)
        assertThat(afterThree.records()).hasSize(8);

        // job 4: nothing changed: every step hits, and not one cached layer is downloaded; the image
        // goes to a new repository by registry-side mounts
        int mark = registry.accessLog().size();
        Path ctx4 = scenario("ctx4", "print('v3')\n");
        Job four = job(
                "4",
                ctx4,
                "--cache-to",
                "type=registry,ref=" + cache + ",mode=max",
                "--cache-from",
                cache,
                "-t",
                host + "/other:4",
                "--push");
        assertThat(four.hits()).as(four.run().out()).isEqualTo(6);
        assertThat(four.manifest()).isEqualTo(three.manifest());
        List<String> log = registry.accessLogSince(mark);
        Manifest pushed = Manifest.parse(
                skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + host + "/other:4")
                        .getBytes(StandardCharsets.UTF_8),
                MediaType.OCI_MANIFEST);
        assertThat(pushed.digest().toString()).isEqualTo(three.manifest());
        for (Descriptor l : pushed.layers()) {
            assertThat(log)
                    .as("layer " + l.digest() + " downloaded")
                    .noneMatch(x -> x.startsWith("GET ") && x.contains("/blobs/" + l.digest()));
        }
        assertThat(log)
                .anyMatch(x ->
                        x.startsWith("POST /v2/other/blobs/uploads/?") && x.contains("mount=") && x.endsWith(" 201"));
        assertThat(Store.open(four.home())
                        .hasBlob(pushed.layers().get(pushed.layers().size() - 1).digest()))
                .isFalse();
        // the pushed image is complete: skopeo copies every blob of it
        Path copied = tmp.resolve("copied");
        skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/other:4", "oci:" + copied + ":x");
        for (Descriptor l : pushed.layers()) {
            assertThat(copied.resolve("blobs/sha256").resolve(l.digest().hex())).exists();
        }
        // an all-hit build exports the very same cache: same records, same manifest digest
        assertThat(cacheAt(cache).descriptor().digest())
                .isEqualTo(afterThree.descriptor().digest());

        // exporting the unchanged cache again sends nothing: no blob upload, no manifest PUT
        mark = registry.accessLog().size();
        Job five = job(
                "5",
                ctx4,
                "--cache-to",
                "type=registry,ref=" + cache + ",mode=max",
                "--cache-from",
                cache,
                "-t",
                host + "/app:five");
        assertThat(five.hits()).isEqualTo(6);
        assertThat(five.run().out()).contains("unchanged");
        List<String> log5 = registry.accessLogSince(mark);
        assertThat(uploads(log5)).as("uploads").isEmpty();
        assertThat(log5).noneMatch(x -> x.startsWith("PUT ") || x.startsWith("PATCH ") || x.startsWith("POST "));

        // a later `strata push` of that image (its layers never downloaded) mounts them from the cache's repository
        mark = registry.accessLog().size();
        Run later = strata(five.home(), "push", host + "/app:five", host + "/later:1");
        assertThat(later.code()).as(later.out()).isZero();
        List<String> logPush = registry.accessLogSince(mark);
        for (Descriptor l : afterThree.layers()) {
            if (!pushed.layers().contains(l)) {
                continue; // an earlier job's run_test.py, merged into the cache, is not in this image
            }
            assertThat(logPush)
                    .as("layer " + l.digest())
                    .noneMatch(x -> x.startsWith("GET ") && x.contains("/blobs/" + l.digest()))
                    .anyMatch(x -> x.startsWith("POST /v2/later/blobs/uploads/?")
                            && x.contains("from=app")
                            && x.contains(l.digest().toString().replace(":", "%3A"))
                            && x.endsWith(" 201"));
        }
        assertThat(skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + host + "/later:1"))
                .isEqualTo(new String(pushed.bytes(), StandardCharsets.UTF_8));

        // exporting to another repository of the same registry: the layers go registry-side, by mount,
        // never downloaded (they are only in the registry: every job ran on an empty store)
        mark = registry.accessLog().size();
        Job six = job(
                "6", ctx4, "--cache-from", cache, "--cache-to", "type=registry,ref=" + host + "/copy:cache,mode=max");
        assertThat(six.hits()).isEqualTo(6);
        List<String> log6 = registry.accessLogSince(mark);
        for (Descriptor l : afterThree.layers()) {
            if (!pushed.layers().contains(l)) {
                continue; // only this build's records go to a new ref: nothing is merged from another
            }
            assertThat(log6)
                    .as("layer " + l.digest())
                    .noneMatch(x -> x.startsWith("GET ") && x.contains("/blobs/" + l.digest()))
                    .anyMatch(x -> x.startsWith("POST /v2/copy/blobs/uploads/?")
                            && x.contains("from=app")
                            && x.contains(l.digest().toString().replace(":", "%3A"))
                            && x.endsWith(" 201"));
        }
        CacheManifest copy = cacheAt(host + "/copy:cache");
        assertThat(copy.records()).hasSize(6);
        assertThat(afterThree.records()).containsAll(copy.records());

        // a hit image equals a miss image: --no-cache on another empty runner gives the same digest
        Job fresh = job("nocache", ctx4, "--no-cache");
        assertThat(fresh.hits()).isZero();
        assertThat(fresh.manifest()).isEqualTo(four.manifest());
    }

    private Path context(String name, String dockerfile) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), dockerfile.formatted(host));
        Files.writeString(ctx.resolve("a.txt"), "a\n");
        return ctx;
    }

    private static List<String> instructions(CacheManifest c) {
        return c.records().stream().map(r -> r.inputs().instruction()).sorted().toList();
    }

    @Test
    void modeMinExportsTheImageStepsAndModeMaxEveryStage() throws Exception {
        Path ctx = context("ctx-modes", """
                FROM %s/base:1 AS builder
                RUN echo built > /out.txt
                FROM %1$s/base:1
                COPY --from=builder /out.txt /out.txt
                RUN cat /out.txt > /copy.txt
                """);
        String min = host + "/modes:min";
        String max = host + "/modes:max";
        Job first = job(
                "modes",
                ctx,
                "--cache-to",
                "type=registry,ref=" + min,
                "--cache-to",
                "type=registry,ref=" + max + ",mode=max");
        assertThat(first.hits()).isZero();
        assertThat(instructions(cacheAt(min)))
                .containsExactly("COPY --from=builder /out.txt /out.txt", "RUN cat /out.txt > /copy.txt");
        assertThat(instructions(cacheAt(max)))
                .containsExactly(
                        "COPY --from=builder /out.txt /out.txt",
                        "RUN cat /out.txt > /copy.txt",
                        "RUN echo built > /out.txt");

        // min on an empty runner: the builder's RUN runs again, but its output is the same file, so
        // the final stage's COPY (keyed by the copied content) and everything after it still hit
        Job withMin = job("modes-min", ctx, "--cache-from", min);
        assertThat(withMin.steps())
                .extracting(s ->
                        s.path("instruction").asText() + " " + s.path("hit").asBoolean())
                .containsExactly(
                        "RUN echo built > /out.txt false",
                        "COPY --from=builder /out.txt /out.txt true",
                        "RUN cat /out.txt > /copy.txt true");
        assertThat(withMin.manifest()).isEqualTo(first.manifest());
        Job withMax = job("modes-max", ctx, "--cache-from", max);
        assertThat(withMax.hits()).isEqualTo(3);

        // a target built FROM another stage holds that stage's layers: min keeps that stage's steps
        Path chained = context("ctx-chain", """
                FROM %s/base:1 AS base
                RUN echo one > /one.txt
                FROM base
                RUN echo two > /two.txt
                """);
        job("chain", chained, "--cache-to", "type=registry,ref=" + host + "/modes:chain");
        assertThat(instructions(cacheAt(host + "/modes:chain")))
                .containsExactly("RUN echo one > /one.txt", "RUN echo two > /two.txt");
    }

    @Test
    void aLocalDirectoryCacheRoundTripsAndIsWrittenWhole() throws Exception {
        Path ctx = scenario("ctx-local", "print('local')\n");
        Path dir = tmp.resolve("cache-dir");
        Job first = job("local-1", ctx, "--cache-to", "type=local,dest=" + dir + ",mode=max");
        assertThat(first.hits()).isZero();
        byte[] index = Files.readAllBytes(dir.resolve("index.json"));
        Descriptor named = Index.parse(index, MediaType.OCI_INDEX).manifests().get(0);
        assertThat(named.annotations()).containsEntry("org.opencontainers.image.ref.name", "strata-cache");
        assertThat(dir.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
        CacheManifest written = CacheManifest.parse(
                Files.readAllBytes(
                        dir.resolve("blobs/sha256").resolve(named.digest().hex())),
                Files.readAllBytes(dir.resolve("blobs/sha256")
                        .resolve(Manifest.parse(
                                        Files.readAllBytes(dir.resolve("blobs/sha256")
                                                .resolve(named.digest().hex())),
                                        MediaType.OCI_MANIFEST)
                                .config()
                                .digest()
                                .hex())),
                dir.toString());
        assertThat(written.records()).hasSize(6);
        for (Descriptor l : written.layers()) {
            assertThat(dir.resolve("blobs/sha256").resolve(l.digest().hex())).hasSize(l.size());
        }

        Job second = job(
                "local-2",
                ctx,
                "--cache-from",
                "type=local,src=" + dir,
                "--cache-to",
                "type=local,dest=" + dir + ",mode=max");
        assertThat(second.hits()).as(second.run().out()).isEqualTo(6);
        assertThat(second.steps())
                .allSatisfy(s -> assertThat(s.path("source").asText()).isEqualTo("dir:" + dir));
        assertThat(second.manifest()).isEqualTo(first.manifest());
        // the same records again: the same index, and nothing half-written left behind
        assertThat(Files.readAllBytes(dir.resolve("index.json"))).isEqualTo(index);
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test
    void badCacheFlagsAreUsageErrorsAndAMissingOrBrokenCacheOnlyAWarning() throws Exception {
        Path ctx = context("ctx-bad", "FROM scratch\nCOPY a.txt /a.txt\n");
        Path home = tmp.resolve("home-bad");
        String[][] bad = {
            {"--cache-to", "type=s3,ref=x", "unknown type 's3'"},
            {"--cache-to", "ref=" + host + "/c:1", "type= is missing"},
            {"--cache-from", "type=registry", "ref= is missing"},
            {"--cache-to", "type=local", "dest= is missing"},
            {"--cache-from", "type=local,dest=/x", "unknown key 'dest' for type=local"},
            {"--cache-to", "type=registry,ref=" + host + "/c:1,compression=zstd", "unknown key 'compression'"},
            {"--cache-to", "type=registry,ref=" + host + "/c:1,mode=all", "mode must be min or max"},
            {"--cache-from", "type=registry,ref=Bad:Ref:x", "is not an image reference"},
        };
        for (String[] b : bad) {
            Run r = strata(home, "build", b[0], b[1], ctx.toString());
            assertThat(r.code()).as(r.out()).isEqualTo(2);
            assertThat(r.out())
                    .as(String.join(" ", b))
                    .contains(b[0])
                    .contains(b[1])
                    .contains(b[2])
                    .contains(b[0].equals("--cache-to") ? "type=local,dest=DIR" : "type=local,src=DIR")
                    .doesNotContain("Exception");
        }

        // a cache whose config is not JSON, and an image that is no cache: warnings, the build goes on
        Reference corrupt = Reference.parse(host + "/broken:cache");
        Descriptor cfg =
                client.pushBlob(corrupt, CacheManifest.CONFIG_MEDIA_TYPE, "{not json".getBytes(StandardCharsets.UTF_8));
        client.putManifest(
                corrupt,
                Manifest.of(MediaType.OCI_MANIFEST, cfg, List.of(), Map.of()).bytes(),
                MediaType.OCI_MANIFEST);
        Job warned = job(
                "warned",
                ctx,
                "--cache-from",
                corrupt.toString(),
                "--cache-from",
                host + "/base:1",
                "--cache-from",
                host + "/nothing:here",
                "--cache-from",
                "type=local,src=" + tmp.resolve("no-such-dir"));
        assertThat(warned.run().out())
                .contains("warning: cache " + corrupt + " cannot be read (")
                .contains("warning: cache " + host + "/base:1 cannot be read (")
                .contains("is not a strata cache")
                .contains("warning: cache " + host + "/nothing:here not found; building without it")
                .contains("warning: cache " + tmp.resolve("no-such-dir") + " not found; building without it");
        assertThat(warned.steps()).hasSize(1);

        // a registry that refuses us: reading its cache is a warning; writing to it fails the build with exit 3
        try (RegistryFixture auth = RegistryFixture.basicAuth("erin", "s3cret")) {
            Job read = job("auth-read", ctx, "--cache-from", auth.host() + "/c:1");
            assertThat(read.run().out())
                    .contains("warning: cache " + auth.host() + "/c:1 cannot be read (")
                    .contains("strata login " + auth.host());
            Run write =
                    strata(home, "build", "--cache-to", "type=registry,ref=" + auth.host() + "/c:1", ctx.toString());
            assertThat(write.code()).as(write.out()).isEqualTo(3);
            assertThat(write.out())
                    .contains(auth.host())
                    .contains("strata login " + auth.host())
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aCacheReadFromOneRegistryIsExportedToAnotherWithItsLayersDownloadedOnceAndUploaded() throws Exception {
        Path ctx = scenario("ctx-cross", "print('cross')\n");
        String here = host + "/cross:cache";
        job("cross-1", ctx, "--cache-to", "type=registry,ref=" + here + ",mode=max");
        try (RegistryFixture other = RegistryFixture.plain()) {
            String there = other.host() + "/cross:cache";
            int mark = registry.accessLog().size();
            Job second =
                    job("cross-2", ctx, "--cache-from", here, "--cache-to", "type=registry,ref=" + there + ",mode=max");
            assertThat(second.hits()).isEqualTo(6);
            // the same records: the same cache, byte for byte, and every layer of it is in the other registry
            CacheManifest copied = cacheAt(there);
            assertThat(copied.descriptor()).isEqualTo(cacheAt(here).descriptor());
            for (Descriptor l : copied.layers()) {
                assertThat(client.hasBlob(Reference.parse(there), l.digest()))
                        .as("layer " + l.digest())
                        .isTrue();
                // another registry cannot mount: each layer was read once from the first one
                assertThat(registry.accessLogSince(mark))
                        .filteredOn(x -> x.startsWith("GET ") && x.contains("/blobs/" + l.digest()))
                        .hasSize(1);
            }
        }
    }
}
