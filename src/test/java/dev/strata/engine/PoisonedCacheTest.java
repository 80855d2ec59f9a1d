package dev.strata.engine;

import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.archive.RawTar;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.engine.StrataProcess.Run;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The shared-cache trust model (docs/RELIABILITY.md) against a real registry: caches rewritten by
 * someone who can push to the cache ref. A build reading them fails clearly or misses; it never
 * makes an image with other files than a clean build's unnoticed, where strata can check.
 */
class PoisonedCacheTest extends RegistryScenario {
    static final String DOCKERFILE = """
            FROM %s/base:1
            COPY a.txt /a.txt
            COPY b.txt /b.txt
            """;

    Path context(String name, String extra) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.formatted(host) + extra);
        Files.writeString(ctx.resolve("a.txt"), "a\n");
        Files.writeString(ctx.resolve("b.txt"), "b\n");
        return ctx;
    }

    /** A clean build exporting its cache to {@code ref}; returns its manifest digest. */
    String cleanBuild(String name, Path ctx, String ref) throws Exception {
        return job(name, ctx, "--cache-to", "type=registry,ref=" + ref + ",mode=max")
                .manifest();
    }

    /** Replaces the cache at {@code ref} by one with these records and skeletons (as an attacker pushes it). */
    void push(String ref, List<CacheRecord> records, Map<Digest, Descriptor> skeletons) {
        CacheManifest poisoned = CacheManifest.of(records, skeletons);
        Reference r = Reference.parse(ref);
        client.pushBlob(r, CacheManifest.CONFIG_MEDIA_TYPE, poisoned.config());
        client.putManifest(r, poisoned.manifest(), MediaType.OCI_MANIFEST);
    }

    static CacheRecord withLayer(CacheRecord r, Descriptor layer, Digest diffId) {
        return new CacheRecord(
                r.key(),
                r.inputs(),
                Optional.of(layer),
                Optional.of(diffId),
                r.created(),
                r.parent(),
                r.aliases(),
                r.lastUsed(),
                r.stage());
    }

    static CacheRecord copyOf(List<CacheRecord> records, String file) {
        return records.stream()
                .filter(x -> x.inputs().instruction().contains("COPY " + file))
                .findFirst()
                .orElseThrow();
    }

    /** The cache with the record of COPY a.txt naming COPY b.txt's layer but still a's diffID. */
    void recordPointsAtAnotherLayer(String ref) {
        CacheManifest clean = cacheAt(ref);
        CacheRecord a = copyOf(clean.records(), "a.txt");
        CacheRecord b = copyOf(clean.records(), "b.txt");
        List<CacheRecord> records = new ArrayList<>(clean.records());
        records.replaceAll(
                x -> x == a ? withLayer(a, b.layer().orElseThrow(), a.diffId().orElseThrow()) : x);
        push(ref, records, clean.skeletons());
    }

    @Test
    void aRecordPointingAtAnotherLayerFailsTheBuildThatFetchesIt() throws Exception {
        String ref = host + "/poison:record";
        Path ctx = context("record", "");
        cleanBuild("record-clean", ctx, ref);
        recordPointsAtAnotherLayer(ref);

        // an --output needs every layer's bytes: fetching the poisoned hit checks its diffID
        Path out = tmp.resolve("record-out.tar");
        Run r = strata(
                tmp.resolve("home-record-poisoned"),
                "build",
                "--progress=plain",
                "--cache-from",
                ref,
                "--output",
                "type=oci,dest=" + out,
                ctx.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(3);
        assertThat(r.out())
                .contains("unpacks to diffID")
                .contains("damaged or poisoned")
                .contains(ref);
        assertThat(out).doesNotExist();
    }

    @Test
    void withVerifyFullAPoisonedRecordIsAMissAndTheImageIsTheCleanOne() throws Exception {
        String ref = host + "/poison:verify";
        Path ctx = context("verify", "");
        String clean = cleanBuild("verify-clean", ctx, ref);
        recordPointsAtAnotherLayer(ref);

        Job j = job("verify-poisoned", ctx, "--cache-from", "type=registry,ref=" + ref + ",verify=full");
        assertThat(j.run().out()).contains("refused").contains("unpacks to diffID");
        assertThat(j.manifest()).isEqualTo(clean);
        assertThat(j.hits()).as("COPY b.txt's honest record still hits").isEqualTo(1);
    }

    @Test
    void aRecordNamingALayerTheManifestLacksMakesTheCacheUnreadable() throws Exception {
        String ref = host + "/poison:unlisted";
        Path ctx = context("unlisted", "");
        String clean = cleanBuild("unlisted-clean", ctx, ref);
        CacheManifest cache = cacheAt(ref);
        CacheRecord a = copyOf(cache.records(), "a.txt");
        Descriptor nowhere = new Descriptor(
                MediaType.OCI_LAYER_GZIP, Digest.sha256("elsewhere".getBytes(StandardCharsets.UTF_8)), 9);
        List<CacheRecord> records = new ArrayList<>(cache.records());
        records.replaceAll(x -> x == a ? withLayer(a, nowhere, a.diffId().orElseThrow()) : x);
        // CacheManifest.of lists every record's layer; drop the stranger from the manifest as an attacker would
        CacheManifest listed = CacheManifest.of(records, cache.skeletons());
        String manifest = new String(listed.manifest(), StandardCharsets.UTF_8)
                .replaceAll(
                        ",?\\{\"mediaType\":\"" + MediaType.OCI_LAYER_GZIP.replace("+", "\\+") + "\",\"digest\":\""
                                + nowhere.digest() + "\",\"size\":9}",
                        "");
        Reference r = Reference.parse(ref);
        client.pushBlob(r, CacheManifest.CONFIG_MEDIA_TYPE, listed.config());
        client.putManifest(r, manifest.replace("[,", "[").getBytes(StandardCharsets.UTF_8), MediaType.OCI_MANIFEST);

        Job j = job("unlisted-poisoned", ctx, "--cache-from", ref);
        assertThat(j.run().out()).contains("does not list").contains("building without it");
        assertThat(j.hits()).isZero();
        assertThat(j.manifest()).isEqualTo(clean);
    }

    @Test
    void withVerifyFullALyingSkeletonIsNeverUsed() throws Exception {
        String ref = host + "/poison:skeleton";
        // the clean build's cache: base, COPY a, COPY b and their skeletons
        cleanBuild("skeleton-clean", context("skeleton", ""), ref);
        CacheManifest cache = cacheAt(ref);
        CacheRecord b = copyOf(cache.records(), "b.txt");
        // b's skeleton now claims /w exists, so a WORKDIR /w on top would write no layer
        byte[] gz = RawTar.gzip(new RawTar().directory("w/").end().bytes());
        Descriptor lie = client.pushBlob(Reference.parse(ref), MediaType.STRATA_LAYER_SKELETON, gz);
        Map<Digest, Descriptor> skeletons = new TreeMap<>(cache.skeletons());
        skeletons.put(b.diffId().orElseThrow(), lie);
        push(ref, cache.records(), skeletons);

        Path withWorkdir = context("skeleton-workdir", "WORKDIR /w\n");
        String honest = job("skeleton-honest", withWorkdir).manifest();
        Job j = job("skeleton-verify", withWorkdir, "--cache-from", "type=registry,ref=" + ref + ",verify=full");
        assertThat(j.hits()).as("both COPYs hit, their layers checked").isEqualTo(2);
        assertThat(j.manifest())
                .as("WORKDIR saw the real layers, not the skeleton")
                .isEqualTo(honest);
    }
}
