package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against a real docker-registry, checked by skopeo in both directions. */
class RegistryPushPullTest {
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final Platform ARM64 = Platform.parse("linux/arm64");
    static RegistryFixture registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        registry = RegistryFixture.plain();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    RegistryClient client() {
        return RegistryClient.create(RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("no-certs"))
                .withRetries(3, Duration.ofMillis(10)));
    }

    Reference ref(String name) {
        return Reference.parse(registry.host() + "/" + name);
    }

    @Test
    void pushedImageIsReadBySkopeoByteForByte() throws Exception {
        TestImages.MemImage img = TestImages.random(1, AMD64, 1000, 20_000, 5);
        client().push(img, ref("pushed/app:1"));
        Path out = tmp.resolve("layout");
        RegistryFixture.run(
                tmp,
                "skopeo",
                "copy",
                "--quiet",
                "--preserve-digests",
                "--src-tls-verify=false",
                "docker://" + registry.host() + "/pushed/app:1",
                "oci:" + out + ":1");
        JsonNode index = OciJson.parse(Files.readAllBytes(out.resolve("index.json")), "index");
        String manifestDigest = index.path("manifests").get(0).path("digest").asText();
        assertThat(manifestDigest).isEqualTo(img.manifest().digest().toString());
        assertThat(Files.readAllBytes(blob(out, img.manifest().digest())))
                .isEqualTo(img.manifest().bytes());
        for (var e : img.blobs().entrySet()) {
            assertThat(Files.readAllBytes(blob(out, e.getKey())))
                    .as(e.getKey().toString())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void imagePushedBySkopeoIsPulledByteForByte() throws Exception {
        TestImages.MemImage img = TestImages.random(2, AMD64, 3000, 70_000);
        Path layout = writeLayout(img, "v1");
        RegistryFixture.run(
                tmp,
                "skopeo",
                "copy",
                "--quiet",
                "--preserve-digests",
                "--dest-tls-verify=false",
                "oci:" + layout + ":v1",
                "docker://" + registry.host() + "/from-skopeo:v1");
        RemoteImage pulled = client().image(ref("from-skopeo:v1"), AMD64);
        assertThat(pulled.manifest().bytes()).isEqualTo(img.manifest().bytes());
        assertThat(pulled.configBytes()).isEqualTo(img.configBytes());
        assertThat(pulled.reference().digest()).contains(img.manifest().digest());
        for (Layer l : pulled.layers()) {
            assertThat(TestImages.readAll(l.open()))
                    .isEqualTo(img.blob(l.descriptor().digest()));
        }
        assertThat(pulled.layers())
                .extracting(Layer::diffId)
                .containsExactlyElementsOf(
                        img.layers().stream().map(Layer::diffId).toList());
    }

    @Test
    void secondPushSendsOnlyOneHeadAndNoBlobs() {
        TestImages.MemImage img = TestImages.random(3, AMD64, 4000, 4000, 9000);
        RegistryClient c = client();
        c.push(img, ref("again/app:1"));
        int before = registry.accessLog().size();
        client().push(img, ref("again/app:1"));
        List<String> second = registry.accessLogSince(before);
        assertThat(second).isNotEmpty().allMatch(l -> l.startsWith("HEAD "));
        assertThat(second).hasSize(1);
        // pushed under a new tag: HEADs for the manifest and each blob, then one manifest PUT
        int mid = registry.accessLog().size();
        client().push(img, ref("again/app:2"));
        List<String> third = registry.accessLogSince(mid);
        assertThat(third.stream().filter(l -> !l.startsWith("HEAD ")))
                .containsExactly("PUT /v2/again/app/manifests/2 201");
        assertThat(third.stream().filter(l -> l.startsWith("HEAD ")).count()).isEqualTo(1 + 1 + 3);
    }

    @Test
    void blobsInASiblingRepositoryAreMountedNotUploaded() {
        TestImages.MemImage img = TestImages.random(4, AMD64, 50_000, 60_000);
        RegistryClient c = client();
        c.push(img, ref("sib/one:1"));
        int before = registry.accessLog().size();
        c.push(img, ref("sib/two:1"), List.of(ref("sib/one:1")));
        List<String> log = registry.accessLogSince(before);
        assertThat(log).noneMatch(l -> l.startsWith("PATCH ") || l.startsWith("PUT /v2/sib/two/blobs"));
        assertThat(log.stream()
                        .filter(l -> l.startsWith("POST ") && l.contains("mount=") && l.endsWith(" 201"))
                        .count())
                .isEqualTo(3);
        assertThat(c.image(ref("sib/two:1"), AMD64).manifest()).isEqualTo(img.manifest());
    }

    @Test
    void largeBlobsGoInChunksAndComeBackIntact() throws Exception {
        TestImages.MemImage img = TestImages.random(5, AMD64, 300_000);
        RegistryClient c = RegistryClient.create(client().options().withChunkSize(64 << 10));
        int before = registry.accessLog().size();
        c.push(img, ref("chunked:1"));
        List<String> log = registry.accessLogSince(before);
        assertThat(log.stream().filter(l -> l.startsWith("PATCH ")).count()).isGreaterThanOrEqualTo(4);
        Layer l = client().image(ref("chunked:1"), AMD64).layers().get(0);
        assertThat(TestImages.readAll(l.open()))
                .isEqualTo(img.blob(l.descriptor().digest()));
    }

    @Test
    void aLayerListedTwiceIsUploadedOnce() throws Exception {
        byte[] same = "same layer twice".getBytes(StandardCharsets.UTF_8);
        TestImages.MemImage img = TestImages.of(List.of(same, same), AMD64, MediaType.OCI_MANIFEST);
        int before = registry.accessLog().size();
        client().push(img, ref("twice:1"));
        List<String> log = registry.accessLogSince(before);
        assertThat(log.stream()
                        .filter(l -> l.startsWith("PUT /v2/twice/blobs/"))
                        .count())
                .isEqualTo(2); // config + layer
        assertThat(img.opens().values()).containsOnly(1);
        RemoteImage back = client().image(ref("twice:1"), AMD64);
        assertThat(back.layers()).hasSize(2);
        assertThat(TestImages.readAll(back.layers().get(1).open())).isEqualTo(TestImages.gzip(same));
    }

    @Test
    void dockerSchema2ManifestKeepsItsBytesAndType() {
        TestImages.MemImage img =
                TestImages.of(List.of("hello".getBytes(StandardCharsets.UTF_8)), AMD64, MediaType.DOCKER_MANIFEST);
        client().push(img, ref("docker-type:1"));
        RawManifest raw = client().manifest(ref("docker-type:1"));
        assertThat(raw.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
        assertThat(raw.bytes()).isEqualTo(img.manifest().bytes());
        assertThat(client().head(ref("docker-type:1")))
                .map(Descriptor::digest)
                .contains(img.manifest().digest());
    }

    /** Pushes both images as REPO:amd64 and REPO:arm64; the index listing them (not pushed). */
    Index twoPlatforms(RegistryClient c, String repo, TestImages.MemImage amd, TestImages.MemImage arm) {
        c.push(amd, ref(repo + ":amd64"));
        c.push(arm, ref(repo + ":arm64"));
        return Index.of(
                MediaType.OCI_INDEX,
                List.of(
                        amd.manifest().descriptor().withPlatform(AMD64),
                        arm.manifest().descriptor().withPlatform(ARM64)),
                Map.of());
    }

    @Test
    void indexSelectsThePlatformAndSaysWhatIsOffered() {
        RegistryClient c = client();
        TestImages.MemImage amd = TestImages.random(6, AMD64, 100);
        TestImages.MemImage arm = TestImages.random(7, ARM64, 200);
        Index index = twoPlatforms(c, "multi", amd, arm);
        c.putManifest(ref("multi:all"), index.bytes(), index.mediaType());
        RemoteImage picked = c.image(ref("multi:all"), ARM64);
        assertThat(picked.manifest()).isEqualTo(arm.manifest());
        assertThat(picked.index()).contains(index);
        // a platform the index lacks is a registry-side absence (exit 3, like a missing tag)
        assertThatThrownBy(() -> c.image(ref("multi:all"), Platform.parse("linux/s390x")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("multi:all has no image for platform linux/s390x")
                .hasMessageContaining("linux/s390x")
                .hasMessageContaining("linux/amd64")
                .hasMessageContaining("linux/arm64");
        assertThatThrownBy(() ->
                        c.copy(ref("multi:all"), ref("multi-copy:s390x"), Optional.of(Platform.parse("linux/s390x"))))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("it offers linux/amd64, linux/arm64");
        // copy of the whole index to another repository keeps it byte for byte
        Descriptor copied = c.copy(ref("multi:all"), ref("multi-copy:all"), Optional.empty());
        assertThat(copied.digest()).isEqualTo(index.digest());
        assertThat(c.manifest(ref("multi-copy:all")).bytes()).isEqualTo(index.bytes());
        assertThat(c.image(ref("multi-copy:all"), AMD64).manifest()).isEqualTo(amd.manifest());
    }

    @Test
    void copyOfANestedIndexCopiesEveryLevelByteForByte() throws IOException {
        RegistryClient c = client();
        TestImages.MemImage amd = TestImages.random(8, AMD64, 120);
        TestImages.MemImage arm = TestImages.random(9, ARM64, 130);
        Index inner = twoPlatforms(c, "nested", amd, arm);
        c.putManifest(ref("nested:x").withDigest(inner.digest()), inner.bytes(), inner.mediaType());
        Index outer = Index.of(MediaType.OCI_INDEX, List.of(inner.descriptor()), Map.of());
        c.putManifest(ref("nested:all"), outer.bytes(), outer.mediaType());

        Descriptor copied = c.copy(ref("nested:all"), ref("nested-copy:all"), Optional.empty());
        assertThat(copied.digest()).isEqualTo(outer.digest());
        assertThat(c.manifest(ref("nested-copy:all")).bytes()).isEqualTo(outer.bytes());
        assertThat(c.manifest(ref("nested-copy:x").withDigest(inner.digest())).bytes())
                .isEqualTo(inner.bytes());
        RemoteImage arm2 = c.image(ref("nested-copy:x").withDigest(inner.digest()), ARM64);
        assertThat(arm2.manifest()).isEqualTo(arm.manifest());
        for (Layer l : arm2.layers()) {
            assertThat(TestImages.readAll(l.open()))
                    .isEqualTo(arm.blob(l.descriptor().digest()));
        }
    }

    @Test
    void copyToAnotherRegistryUploadsEveryBlobAndKeepsTheManifest() throws Exception {
        TestImages.MemImage img = TestImages.random(10, AMD64, 40_000, 50_000);
        RegistryClient c = client();
        c.push(img, ref("cross/src:1"));
        try (RegistryFixture other = RegistryFixture.plain()) {
            Reference dst = Reference.parse(other.host() + "/cross/dst:1");
            Descriptor d = c.copy(ref("cross/src:1"), dst, Optional.of(AMD64));
            assertThat(d.digest()).isEqualTo(img.manifest().digest());
            assertThat(c.manifest(dst).bytes()).isEqualTo(img.manifest().bytes());
            assertThat(other.accessLogSince(0))
                    .noneMatch(l -> l.contains("mount="))
                    .filteredOn(l -> l.startsWith("PUT /v2/cross/dst/blobs/uploads/"))
                    .hasSize(3);
            for (Layer l : c.image(dst, AMD64).layers()) {
                assertThat(TestImages.readAll(l.open()))
                        .isEqualTo(img.blob(l.descriptor().digest()));
            }
        }
    }

    @Test
    void missingTagIsA404NamingTheReference() {
        assertThatThrownBy(() -> client().image(ref("nothing/here:nope"), AMD64))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining(registry.host() + "/nothing/here:nope")
                .hasMessageContaining("not found");
        assertThat(client().head(ref("nothing/here:nope"))).isEmpty();
    }

    @Test
    void tagsAreListedAndReferrersFallBackToTheTagSchema() {
        RegistryClient c = client();
        TestImages.MemImage img = TestImages.random(8, AMD64, 10);
        c.push(img, ref("listed:a"));
        c.push(img, ref("listed:b"));
        assertThat(c.tags(ref("listed:a"))).containsExactlyInAnyOrder("a", "b");
        Digest subject = img.manifest().digest();
        assertThat(c.referrers(ref("listed:a"), subject)).isEmpty();
        Descriptor sbom = amdDescriptor(c);
        Index fallback = Index.of(MediaType.OCI_INDEX, List.of(sbom), Map.of());
        c.putManifest(ref("listed:sha256-" + subject.hex()), fallback.bytes(), fallback.mediaType());
        assertThat(c.referrers(ref("listed:a"), subject))
                .extracting(Descriptor::digest)
                .containsExactly(sbom.digest());
    }

    private Descriptor amdDescriptor(RegistryClient c) {
        TestImages.MemImage other = TestImages.random(9, AMD64, 10);
        c.push(other, ref("listed:sbom"));
        return other.manifest().descriptor();
    }

    private Path writeLayout(TestImages.MemImage img, String tag) throws Exception {
        Path dir = tmp.resolve("src-layout");
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        for (var e : img.blobs().entrySet()) {
            Files.write(blob(dir, e.getKey()), e.getValue());
        }
        Files.write(blob(dir, img.manifest().digest()), img.manifest().bytes());
        Index index = Index.of(
                MediaType.OCI_INDEX,
                List.of(img.manifest().descriptor().withAnnotations(Map.of("org.opencontainers.image.ref.name", tag))),
                Map.of());
        Files.write(dir.resolve("index.json"), index.bytes());
        return dir;
    }

    private static Path blob(Path layout, Digest d) {
        return layout.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }
}
