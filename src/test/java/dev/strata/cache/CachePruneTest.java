package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata prune and the cache: what records reach stays, unreferenced snapshots and the old stand-in cache go. */
class CachePruneTest {
    @TempDir
    Path dir;

    @Test
    void recordsKeepTheirLayerAndSnapshotEvenWithoutTheLayerRef() throws Exception {
        Store store = Store.open(dir.resolve("store"));
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER, "cached layer".getBytes(StandardCharsets.UTF_8));
        Digest diffId = layer.digest();
        StepInputs in = StepInputs.of("sha256:p", "RUN make", Map.of());
        new LocalCache(store)
                .add(new CacheRecord(in.key(), in, Optional.of(layer), Optional.of(diffId), Instant.EPOCH));
        // the record itself reaches the layer: losing the helper ref must not lose the layer
        store.removeRef("cache-layer", in.key().digest().hex());
        Path kept = snapshot(store, diffId);
        Path orphan = snapshot(store, Digest.sha256("gone".getBytes(StandardCharsets.UTF_8)));
        Path halfMade = Files.createDirectories(store.root().resolve("snapshots/.tmp-abc"));
        Thread.sleep(5);

        assertThat(store.prune(Duration.ZERO)).isZero();
        assertThat(store.hasBlob(layer.digest())).isTrue();
        assertThat(new LocalCache(store).lookup(in.key())).isPresent();
        assertThat(kept).isDirectory();
        assertThat(orphan).doesNotExist();
        // a half-made snapshot may be an extraction running now: kept for the temp files' hour
        assertThat(halfMade).isDirectory();
    }

    @Test
    void imagesKeepTheSnapshotsOfTheirLayersAndGraceProtectsFreshOnes() throws Exception {
        Store store = Store.open(dir.resolve("store"));
        byte[] raw = "layer".getBytes(StandardCharsets.UTF_8);
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER, raw);
        String cfg = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layer.digest() + "\"]}}";
        Descriptor config = store.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Descriptor m = store.putBlob(
                MediaType.OCI_MANIFEST,
                Manifest.of(MediaType.OCI_MANIFEST, config, List.of(layer), Map.of())
                        .bytes());
        store.tag("a:1", "docker.io/library/a:1", m);
        Path used = snapshot(store, layer.digest());
        Path fresh = snapshot(store, Digest.sha256("other".getBytes(StandardCharsets.UTF_8)));

        store.prune(Duration.ofMinutes(10));
        assertThat(used).isDirectory();
        assertThat(fresh).isDirectory();
        Thread.sleep(5);
        store.prune(Duration.ZERO);
        assertThat(used).isDirectory();
        assertThat(fresh).doesNotExist();
    }

    @Test
    void theOldStandInCacheIsRemovedWithTheLayersOnlyItKept() throws Exception {
        Store store = Store.open(dir.resolve("store"));
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER, "old".getBytes(StandardCharsets.UTF_8));
        store.setRef("build-cache", "0123abcd", layer);
        Path records = Files.createDirectories(store.root().resolve("build-cache"));
        Files.writeString(records.resolve("0123abcd.json"), "{}");

        assertThat(store.prune(Duration.ZERO)).isEqualTo(1);
        assertThat(store.hasBlob(layer.digest())).isFalse();
        assertThat(records).doesNotExist();
        assertThat(store.refNames("build-cache")).isEmpty();
    }

    @Test
    void refsLeftWithoutTheirRecordNoLongerKeepTheLayer() throws Exception {
        Store store = Store.open(dir.resolve("store"));
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER, "half".getBytes(StandardCharsets.UTF_8));
        StepInputs in = StepInputs.of("sha256:p", "COPY a /a", Map.of());
        LocalCache cache = new LocalCache(store);
        cache.add(new CacheRecord(in.key(), in, Optional.of(layer), Optional.of(layer.digest()), Instant.EPOCH));
        // as if the build died between writing the layer/index refs and the record ref
        store.removeRef("cache", in.key().digest().hex());
        assertThat(store.prune(Duration.ofMinutes(10))).isZero(); // that build may still be running
        assertThat(store.refNames("cache-layer")).hasSize(1);
        Thread.sleep(5);

        assertThat(store.prune(Duration.ZERO)).isEqualTo(2); // the record blob and the layer
        assertThat(store.hasBlob(layer.digest())).isFalse();
        assertThat(store.refNames("cache-layer")).isEmpty();
        assertThat(cache.candidates("sha256:p", "COPY")).isEmpty();
    }

    private static Path snapshot(Store store, Digest diffId) throws Exception {
        Path p = Files.createDirectories(
                store.root().resolve("snapshots").resolve(diffId.hex()).resolve("etc"));
        Files.writeString(p.resolve("f"), "x");
        Files.createSymbolicLink(p.resolve("link"), Path.of("/nonexistent"));
        return p.getParent();
    }
}
