package dev.strata.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));
    private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));

    @Test
    void writtenManifestParsesBackToTheSameBytesAndDigest() {
        Manifest m = Manifest.of(
                MediaType.OCI_MANIFEST,
                new Descriptor(MediaType.OCI_CONFIG, CONFIG, 6),
                List.of(new Descriptor(MediaType.OCI_LAYER_GZIP, LAYER, 5)),
                Map.of("b", "2", "a", "1"));
        Manifest back = Manifest.parse(m.bytes(), null);
        assertThat(back).isEqualTo(m);
        assertThat(back.digest()).isEqualTo(m.digest());
        assertThat(back.layers()).containsExactly(new Descriptor(MediaType.OCI_LAYER_GZIP, LAYER, 5));
        assertThat(new String(m.bytes(), StandardCharsets.UTF_8))
                .startsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"")
                .contains("\"annotations\":{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void foreignBytesAreKeptExactly() {
        // Whitespace and field order of someone else's manifest must survive: the digest is of the bytes.
        String text = "{\n  \"schemaVersion\": 2,\n  \"config\": {\"size\": 6, \"digest\": \"" + CONFIG
                + "\", \"mediaType\": \"" + MediaType.DOCKER_CONFIG + "\"},\n  \"layers\": [],\n  \"mediaType\": \""
                + MediaType.DOCKER_MANIFEST + "\"\n}\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Manifest m = Manifest.parse(bytes, null);
        assertThat(m.bytes()).isEqualTo(bytes);
        assertThat(m.digest()).isEqualTo(Digest.sha256(bytes));
        assertThat(m.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
        assertThat(m.config().mediaType()).isEqualTo(MediaType.DOCKER_CONFIG);
    }

    @Test
    void anIndexIsNotAManifest() {
        Index idx = Index.of(MediaType.OCI_INDEX, List.of(), Map.of());
        assertThatThrownBy(() -> Manifest.parse(idx.bytes(), null)).hasMessageContaining("got an index");
    }

    @Test
    void badJsonNamesTheDocument() {
        assertThatThrownBy(() -> Manifest.parse("{".getBytes(StandardCharsets.UTF_8), MediaType.OCI_MANIFEST))
                .hasMessageContaining("image manifest is not valid JSON");
        assertThatThrownBy(() -> Manifest.parse(
                        "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8), MediaType.DOCKER_MANIFEST))
                .hasMessageContaining("schemaVersion");
    }

    @Test
    void indexSelectsPlatformAndSaysWhatItOffers() {
        Descriptor amd = new Descriptor(MediaType.OCI_MANIFEST, CONFIG, 1).withPlatform(Platform.parse("linux/amd64"));
        Descriptor arm = new Descriptor(MediaType.OCI_MANIFEST, LAYER, 1).withPlatform(Platform.parse("linux/arm64"));
        Index idx = Index.parse(
                Index.of(MediaType.OCI_INDEX, List.of(amd, arm), Map.of()).bytes(), null);
        assertThat(idx.select(Platform.parse("linux/aarch64"), "img").digest()).isEqualTo(LAYER);
        assertThatThrownBy(() -> idx.select(Platform.parse("linux/s390x"), "python:3"))
                .hasMessageContaining("python:3 has no image for platform linux/s390x")
                .hasMessageContaining("linux/amd64, linux/arm64");
    }
}
