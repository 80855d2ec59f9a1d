package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exported cache format: deterministic bytes, deduplicated layers, a faithful round trip. */
class CacheManifestTest {
    private static CacheRecord record(String instruction, Optional<Descriptor> layer) {
        StepInputs in = StepInputs.of("sha256:parent", instruction, Map.of("platform", "linux/amd64"));
        return new CacheRecord(
                in.key(),
                in,
                layer,
                layer.map(l -> Digest.sha256(l.digest().toString().getBytes(StandardCharsets.UTF_8))),
                Instant.EPOCH,
                Optional.empty());
    }

    private static Descriptor layer(int n) {
        return new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.sha256(new byte[] {(byte) n}), 100 + n);
    }

    @Test
    void theSameRecordsInAnyOrderGiveTheSameBytes() {
        CacheRecord a = record("RUN a", Optional.of(layer(1)));
        CacheRecord b = record("RUN b", Optional.of(layer(1)));
        CacheRecord c = record("WORKDIR /x", Optional.empty());
        CacheManifest one = CacheManifest.of(List.of(a, b, c));
        CacheManifest two = CacheManifest.of(List.of(c, b, a, a));
        assertThat(two.manifest()).isEqualTo(one.manifest());
        assertThat(two.config()).isEqualTo(one.config());
        assertThat(one.records()).hasSize(3);
        assertThat(one.layers()).containsExactly(layer(1));
    }

    @Test
    void theManifestIsAnOciManifestWithTheCacheConfigAndRoundTrips() {
        CacheManifest c = CacheManifest.of(
                List.of(record("RUN a", Optional.of(layer(2))), record("RUN b", Optional.of(layer(1)))));
        Manifest m = Manifest.parse(c.manifest(), MediaType.OCI_MANIFEST);
        assertThat(m.config().mediaType()).isEqualTo(CacheManifest.CONFIG_MEDIA_TYPE);
        assertThat(m.config().digest()).isEqualTo(Digest.sha256(c.config()));
        assertThat(m.layers()).extracting(Descriptor::digest).isSorted();
        assertThat(new String(c.manifest(), StandardCharsets.UTF_8))
                .contains("\"artifactType\":\"" + CacheManifest.CONFIG_MEDIA_TYPE + "\"");
        CacheManifest back = CacheManifest.parse(c.manifest(), c.config(), "test");
        assertThat(back.records()).isEqualTo(c.records());
        assertThat(back.descriptor()).isEqualTo(c.descriptor());
    }

    private static Descriptor skeleton(int n) {
        return new Descriptor(MediaType.STRATA_LAYER_SKELETON, Digest.sha256(new byte[] {(byte) n, 's'}), 10 + n);
    }

    @Test
    void skeletonsAreExtraBlobsMappedByDiffIdInTheConfigAndRoundTrip() {
        CacheRecord a = record("RUN a", Optional.of(layer(1)));
        Digest base = Digest.sha256("a base layer".getBytes(StandardCharsets.UTF_8));
        Map<Digest, Descriptor> skeletons = Map.of(a.diffId().orElseThrow(), skeleton(1), base, skeleton(2));
        CacheManifest c = CacheManifest.of(List.of(a), skeletons);
        assertThat(c.layers()).containsExactly(layer(1));
        assertThat(Manifest.parse(c.manifest(), MediaType.OCI_MANIFEST).layers())
                .containsExactlyInAnyOrder(layer(1), skeleton(1), skeleton(2))
                .extracting(Descriptor::digest)
                .isSorted();
        assertThat(c.blobs()).containsExactlyInAnyOrder(layer(1), skeleton(1), skeleton(2));
        assertThat(new String(c.config(), StandardCharsets.UTF_8))
                .startsWith("{\"v\":1,")
                .contains("\"skeletons\":{\"sha256:");
        CacheManifest back = CacheManifest.parse(c.manifest(), c.config(), "test");
        assertThat(back.skeletons()).isEqualTo(skeletons);
        assertThat(back.layers()).containsExactly(layer(1));
        assertThat(back.records()).isEqualTo(c.records());

        // without skeletons a cache is the bytes it was before skeletons existed (no "skeletons" field)
        CacheManifest plain = CacheManifest.of(List.of(a));
        assertThat(CacheManifest.of(List.of(a), Map.of()).manifest()).isEqualTo(plain.manifest());
        assertThat(new String(plain.config(), StandardCharsets.UTF_8)).doesNotContain("skeletons");
        assertThat(CacheManifest.parse(plain.manifest(), plain.config(), "old").skeletons())
                .isEmpty();
    }

    @Test
    void aSkeletonTheManifestDoesNotListIsLeftOut() {
        CacheRecord a = record("RUN a", Optional.of(layer(1)));
        CacheManifest c = CacheManifest.of(List.of(a), Map.of(a.diffId().orElseThrow(), skeleton(1)));
        // the same config under a manifest that lists only the record's layer
        Descriptor cfg = new Descriptor(CacheManifest.CONFIG_MEDIA_TYPE, Digest.sha256(c.config()), c.config().length);
        byte[] m = Manifest.of(MediaType.OCI_MANIFEST, cfg, List.of(layer(1)), Map.of())
                .bytes();
        CacheManifest back = CacheManifest.parse(m, c.config(), "test");
        assertThat(back.skeletons()).isEmpty();
        assertThat(back.records()).hasSize(1);
    }

    @Test
    void aConfigOfAnotherKindOrOtherBytesIsRefused() {
        CacheManifest c = CacheManifest.of(List.of(record("RUN a", Optional.empty())));
        assertThatThrownBy(() -> CacheManifest.parse(c.manifest(), "{}".getBytes(StandardCharsets.UTF_8), "reg/c:1"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("reg/c:1")
                .hasMessageContaining("does not match");
        byte[] image = Manifest.of(
                        MediaType.OCI_MANIFEST,
                        new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(new byte[0]), 0),
                        List.of(),
                        Map.of())
                .bytes();
        assertThatThrownBy(() -> CacheManifest.configOf(image, "reg/app:1"))
                .hasMessageContaining("reg/app:1 is not a strata cache");
        // a record whose layer the manifest does not list could not be read from the cache's repository
        CacheManifest one = CacheManifest.of(List.of(record("RUN a", Optional.of(layer(1)))));
        byte[] noLayers = new String(one.manifest(), StandardCharsets.UTF_8)
                .replaceAll("\"layers\":\\[.*\\]", "\"layers\":[]")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CacheManifest.parse(noLayers, one.config(), "reg/c:2"))
                .hasMessageContaining("reg/c:2 has a record whose layer " + layer(1).digest());
    }

    @Test
    void specsFollowBuildxSyntax() {
        assertThat(CacheSpec.parseFrom("reg.example/app:cache"))
                .isEqualTo(new CacheSpec(CacheSpec.Type.REGISTRY, "reg.example/app:cache", CacheSpec.Mode.MIN));
        assertThat(CacheSpec.parseTo("type=registry,ref=reg.example/app,mode=max"))
                .isEqualTo(new CacheSpec(CacheSpec.Type.REGISTRY, "reg.example/app:latest", CacheSpec.Mode.MAX));
        assertThat(CacheSpec.parseFrom("type=local,src=/tmp/c/../cache").directory())
                .hasToString("/tmp/cache");
        assertThat(CacheSpec.parseTo("type=local,dest=/tmp/cache").displayName())
                .isEqualTo("dir:/tmp/cache");
        assertThatThrownBy(() -> CacheSpec.parseTo("type=gha"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("--cache-to \"type=gha\": unknown type 'gha'; use type=registry,ref=");
        CacheSpec inline = CacheSpec.parseTo("type=inline,mode=max");
        assertThat(inline.type()).isEqualTo(CacheSpec.Type.INLINE);
        assertThat(inline.forImage("reg.example/app").displayName()).isEqualTo("inline:reg.example/app:latest");
        assertThat(inline.forImage("reg.example/app").mode()).isEqualTo(CacheSpec.Mode.MAX);
        assertThatThrownBy(() -> CacheSpec.parseTo("type=inline,ref=reg.example/app"))
                .hasMessageContaining("unknown key 'ref'");
        assertThatThrownBy(() -> CacheSpec.parseFrom("type=inline")).hasMessageContaining("read through its image");
    }

    @Test
    void aCacheAttachedToAnImageNamesItAsSubjectAndOnlyThatChangesItsBytes() {
        Descriptor image = new Descriptor(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {7}), 321);
        CacheManifest alone = CacheManifest.of(List.of());
        CacheManifest attached = CacheManifest.of(List.of(), Map.of(), Optional.of(image));
        assertThat(new String(attached.manifest(), StandardCharsets.UTF_8))
                .contains(
                        "\"subject\":{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + image.digest());
        assertThat(attached.config()).isEqualTo(alone.config());
        assertThat(CacheManifest.parse(attached.manifest(), attached.config(), "x")
                        .records())
                .isEmpty();
    }
}
