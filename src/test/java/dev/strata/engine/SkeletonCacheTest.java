package dev.strata.engine;

import static dev.strata.engine.StrataProcess.skopeo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.archive.LayerExtractor;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * Layer skeletons against Debian's docker-registry, as real processes: a CI job whose COPY misses on
 * top of cached layers downloads their skeletons, not the layers, and writes the very layer an
 * all-local build writes; a cache without (some) skeletons still builds right by fetching those layers.
 */
class SkeletonCacheTest extends RegistryScenario {
    /** Every way a COPY or WORKDIR reads the image below it; only the copied files change between builds. */
    private static final String SHAPES = """
            FROM %s/base:1
            RUN mkdir -p /srv/data /opt/dir && chown 5:6 /srv/data && chmod 0750 /srv/data \\
                && touch -d @1600000000 /srv/data && ln -s /srv/data /data \\
                && echo "svc:x:1234:2345::/home/svc:/bin/sh" >> /etc/passwd && echo "svcgrp:x:2345:" >> /etc/group
            COPY a.txt /srv/data/a.txt
            COPY b.txt /data/b.txt
            COPY c.txt /opt/dir
            COPY --chown=svc:svcgrp d.txt /home/svc/d.txt
            COPY --chown=app:staff d.txt /home/app/d.txt
            WORKDIR /work/new/dir
            COPY e.txt .
            """;

    private static final Pattern BLOB_GET = Pattern.compile("^GET /v2/.+/blobs/(sha256:[0-9a-f]{64}) ");

    private Path shapes(String name, String version) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), SHAPES.formatted(host));
        for (String f : List.of("a.txt", "b.txt", "c.txt", "d.txt", "e.txt")) {
            Files.writeString(ctx.resolve(f), f + " " + version + "\n");
        }
        return ctx;
    }

    private Manifest manifestAt(String ref) throws Exception {
        return Manifest.parse(
                skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + ref)
                        .getBytes(StandardCharsets.UTF_8),
                MediaType.OCI_MANIFEST);
    }

    /** The digests of the blobs GET from the registry since {@code mark}. */
    private Set<Digest> blobsFetchedSince(int mark) {
        Set<Digest> out = new HashSet<>();
        for (String line : registry.accessLogSince(mark)) {
            Matcher m = BLOB_GET.matcher(line);
            if (m.find()) {
                out.add(Digest.parse(m.group(1)));
            }
        }
        return out;
    }

    @Test
    void ciJobsWhoseLastCopyMissesDownloadSkeletonsAndNoLayer() throws Exception {
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
        job("job1", scenario("ctx1", "print('v1')\n"), flags);
        Manifest base = manifestAt(host + "/base:1");
        for (int job = 2; job <= 3; job++) {
            CacheManifest before = cacheAt(cache);
            // the cache carries a skeleton for every layer a step ran on or made, base layers included
            assertThat(before.skeletons())
                    .containsKeys(base.layers().stream()
                            .map(l -> imageDiffIds(host + "/base:1"))
                            .flatMap(List::stream)
                            .toArray(Digest[]::new));
            int mark = registry.accessLog().size();
            Path ctx = scenario("ctx" + job, "print('v" + job + "')\n");
            Job j = job("job" + job, ctx, flags);
            assertThat(j.hits()).as(j.run().out()).isEqualTo(5);
            assertThat(j.report().path("steps").get(5).path("reason").asText())
                    .isEqualTo("file /usr/src/app/run_test.py changed");
            Set<Digest> fetched = blobsFetchedSince(mark);
            Set<Digest> allowed = new HashSet<>(
                    before.skeletons().values().stream().map(Descriptor::digest).toList());
            allowed.add(before.configDescriptor().digest());
            // the export reads the cache back after writing it (to merge again if a racing export replaced it)
            allowed.add(cacheAt(cache).configDescriptor().digest());
            allowed.add(base.config().digest());
            assertThat(fetched)
                    .as("job " + job + " fetched only configs and skeletons")
                    .isSubsetOf(allowed);
            Set<Digest> layers =
                    new HashSet<>(base.layers().stream().map(Descriptor::digest).toList());
            before.layers().forEach(l -> layers.add(l.digest()));
            assertThat(fetched).as("job " + job + " downloaded no layer").doesNotContainAnyElementsOf(layers);
            assertThat(fetched).as("job " + job + " read skeletons").isNotEmpty();

            // the pushed image is whole and is the image an all-local build of the same context makes
            Manifest pushed = manifestAt(host + "/app:latest");
            assertThat(pushed.digest().toString()).isEqualTo(j.manifest());
            Path copied = tmp.resolve("copied-" + job);
            skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/app:latest", "oci:" + copied + ":x");
            for (Descriptor l : pushed.layers()) {
                assertThat(copied.resolve("blobs/sha256").resolve(l.digest().hex()))
                        .exists();
            }
            Job local = job("local" + job, ctx, "--no-cache");
            assertThat(local.manifest()).isEqualTo(j.manifest());
        }
    }

    private List<Digest> imageDiffIds(String ref) {
        try {
            JsonNode cfg =
                    JSON.readTree(skopeo("inspect", "--tls-verify=false", "--config", "--raw", "docker://" + ref));
            List<Digest> out = new ArrayList<>();
            cfg.path("rootfs").path("diff_ids").forEach(d -> out.add(Digest.parse(d.asText())));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLayerWrittenOnSkeletonsIsTheLayerWrittenOnTheRealLayers() throws Exception {
        String cache = host + "/shapes:cache";
        String[] epoch = {"--build-arg", "SOURCE_DATE_EPOCH=1700000000"};
        // one runner: v1 exports the cache, then v2 is built on the same store, every layer local
        Job v1 = job(
                "shapes-local",
                shapes("shapes1", "v1"),
                epoch[0],
                epoch[1],
                "--cache-to",
                "type=registry,ref=" + cache + ",mode=max");
        assertThat(v1.hits()).isZero();
        Job localV2 = job("shapes-local", shapes("shapes2", "v2"), epoch[0], epoch[1], "-t", "shapes:v2");
        assertThat(localV2.hits()).as(localV2.run().out()).isEqualTo(1);

        // a fresh runner: the RUN hits from the registry, every COPY and the WORKDIR misses and is
        // written on skeletons; the image is the same, layer for layer
        int mark = registry.accessLog().size();
        Job fresh = job(
                "shapes-fresh", shapes("shapes2b", "v2"), epoch[0], epoch[1], "--cache-from", cache, "-t", "shapes:v2");
        assertThat(fresh.hits()).as(fresh.run().out()).isEqualTo(1);
        assertThat(fresh.manifest()).isEqualTo(localV2.manifest());
        CacheManifest c = cacheAt(cache);
        Set<Digest> layers =
                new HashSet<>(c.layers().stream().map(Descriptor::digest).toList());
        manifestAt(host + "/base:1").layers().forEach(l -> layers.add(l.digest()));
        assertThat(blobsFetchedSince(mark)).as("layers downloaded").doesNotContainAnyElementsOf(layers);
        assertThat(layersOf(fresh)).isEqualTo(layersOf(localV2));

        // what the skeletons had to answer really is in the image: mode/owner/mtime of the existing
        // dir, the symlinked parent, the copy into a directory, owners by name, the WORKDIR's new dirs
        Map<String, String> e = entries(fresh);
        assertThat(e)
                .containsEntry("srv/data/", "dir 750 5:6 1600000000")
                .containsEntry("srv/data/a.txt", "file 644 0:0")
                .containsEntry("srv/data/b.txt", "file 644 0:0")
                .containsEntry("opt/dir/c.txt", "file 644 0:0")
                .containsEntry("home/svc/d.txt", "file 644 1234:2345")
                .containsEntry("home/app/d.txt", "file 644 1000:50")
                .containsKeys("work/", "work/new/", "work/new/dir/", "work/new/dir/e.txt")
                .doesNotContainKey("data/b.txt");
    }

    /** Pushes {@code cache} under {@code ref} (its blobs are in that repository already). */
    private void pushCache(String ref, CacheManifest cache) {
        Reference r = Reference.parse(ref);
        client.pushBlob(r, CacheManifest.CONFIG_MEDIA_TYPE, cache.config());
        client.putManifest(r, cache.manifest(), MediaType.OCI_MANIFEST);
    }

    @Test
    void aCacheWithoutSkeletonsOrMissingOneFetchesThoseLayersAndBuildsTheSameImage() throws Exception {
        String cache = host + "/old:cache";
        job("old-1", scenario("old1", "print('v1')\n"), "--cache-to", "type=registry,ref=" + cache + ",mode=max");
        Path v2 = scenario("old2", "print('v2')\n");
        String expected = job("old-local", v2, "--no-cache").manifest();
        CacheManifest full = cacheAt(cache);

        // a cache written before skeletons existed: the same records, no skeletons (the old bytes)
        CacheManifest none = CacheManifest.of(full.records());
        assertThat(none.skeletons()).isEmpty();
        pushCache(host + "/old:none", none);
        int mark = registry.accessLog().size();
        Job withNone = job("old-none", v2, "--cache-from", host + "/old:none");
        assertThat(withNone.hits()).isEqualTo(5);
        assertThat(withNone.manifest()).isEqualTo(expected);
        // the layers below the changed COPY: every record's but that of v1's COPY ./run_test.py
        Set<Digest> recordLayers = new HashSet<>();
        full.records().stream()
                .filter(r -> !r.inputs().instruction().contains("run_test.py"))
                .forEach(r -> r.layer().ifPresent(l -> recordLayers.add(l.digest())));
        assertThat(recordLayers).hasSize(4);
        assertThat(blobsFetchedSince(mark))
                .as("the layers below the COPY were fetched")
                .containsAll(recordLayers);

        // one skeleton missing (the RUN that wrote installed.txt): that layer alone is fetched
        CacheRecord run = full.records().stream()
                .filter(r -> r.inputs().instruction().startsWith("RUN cat requirements.txt"))
                .findFirst()
                .orElseThrow();
        Map<Digest, Descriptor> partial = new TreeMap<>(full.skeletons());
        assertThat(partial.remove(run.diffId().orElseThrow())).isNotNull();
        pushCache(host + "/old:partial", CacheManifest.of(full.records(), partial));
        mark = registry.accessLog().size();
        Job withPartial = job("old-partial", v2, "--cache-from", host + "/old:partial");
        assertThat(withPartial.hits()).isEqualTo(5);
        assertThat(withPartial.manifest()).isEqualTo(expected);
        Set<Digest> fetched = blobsFetchedSince(mark);
        Set<Digest> others = new HashSet<>(recordLayers);
        others.remove(run.layer().orElseThrow().digest());
        manifestAt(host + "/base:1").layers().forEach(l -> others.add(l.digest()));
        assertThat(fetched).contains(run.layer().orElseThrow().digest()).doesNotContainAnyElementsOf(others);
    }

    private static List<Layer> imageLayers(Job j) {
        return Store.open(j.home()).image("shapes:v2").orElseThrow().layers();
    }

    private static List<String> layersOf(Job j) {
        return imageLayers(j).stream()
                .map(l -> l.descriptor().digest() + " " + l.diffId())
                .toList();
    }

    /** Every entry of the image's layers written by this build (not the base), as "type mode uid:gid [mtime]". */
    private Map<String, String> entries(Job j) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<Layer> layers = imageLayers(j);
        for (Layer l : layers.subList(2, layers.size())) {
            try (var in = new TarArchiveInputStream(LayerExtractor.decompress(l.open()))) {
                TarArchiveEntry t;
                while ((t = in.getNextEntry()) != null) {
                    String kind = t.isDirectory() ? "dir" : t.isSymbolicLink() ? "link" : "file";
                    out.put(
                            t.getName(),
                            kind + " " + Integer.toOctalString(t.getMode() & 07777) + " " + t.getLongUserId() + ":"
                                    + t.getLongGroupId()
                                    + (t.isDirectory() ? " " + t.getModTime().getTime() / 1000 : ""));
                }
            }
        }
        return out;
    }
}
