package dev.strata.engine;

import static dev.strata.engine.StrataProcess.skopeo;
import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.engine.StrataProcess.Run;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RegistryFixture;
import dev.strata.registry.RegistryOptions;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata build FROM} a real registry (Debian's docker-registry) and {@code --push} back to it,
 * as real processes: the base is pushed by {@code strata push}, builds run RUN and COPY on it, the
 * registry's access log shows which blobs were read, and skopeo reads what strata pushed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryBuildTest {
    private static final String DOCKERFILE = "FROM %s/base:1\nRUN echo built > /built.txt\nCOPY a.txt /a.txt\n";

    @TempDir
    Path tmp;

    private RegistryFixture registry;
    private String host;
    private Digest baseLayer;

    @BeforeAll
    void pushBase(@TempDir Path setup) throws Exception {
        registry = RegistryFixture.plain();
        host = registry.host();
        Store store = StrataProcess.pushBase(host, setup);
        baseLayer = store.image(store.resolve(BuildFixture.BASE).orElseThrow())
                .layers()
                .get(0)
                .descriptor()
                .digest();
    }

    @AfterAll
    void stopRegistry() {
        registry.close();
    }

    private Path context(String dockerfile) throws IOException {
        Path ctx = Files.createDirectories(tmp.resolve("ctx-" + System.nanoTime()));
        Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
        Files.writeString(ctx.resolve("a.txt"), "from the context\n");
        return ctx;
    }

    private Run build(Path home, Path ctx, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("build", "--progress=plain"));
        args.addAll(List.of(flags));
        args.add(ctx.toString());
        return strata(home, args.toArray(String[]::new));
    }

    /** {@link #build} that must succeed. */
    private Run buildOk(Path home, Path ctx, String... flags) throws Exception {
        Run r = build(home, ctx, flags);
        assertThat(r.code()).as(r.out()).isZero();
        return r;
    }

    private static String manifestDigest(Run r) {
        int at = r.out().indexOf("(manifest ");
        assertThat(at).as(r.out()).isPositive();
        return r.out().substring(at + 10, r.out().indexOf(')', at));
    }

    /** Blob GETs (layer or config downloads) in the access log lines given. */
    private static List<String> blobGets(List<String> log) {
        return log.stream()
                .filter(l -> l.startsWith("GET ") && l.contains("/blobs/"))
                .toList();
    }

    private Manifest stored(Path home, String name) {
        Store s = Store.open(home);
        Descriptor d = s.resolve(name).orElseThrow();
        return Manifest.parse(s.readBlob(d.digest()), d.mediaType());
    }

    @Test
    void buildFromARegistryBaseWithRunAndCopyIsTheSameInAFreshStoreAndCachedLaterWithoutBlobReads() throws Exception {
        Path ctx = context(DOCKERFILE.formatted(host));
        Path a = tmp.resolve("a");
        Run first = buildOk(a, ctx, "-t", "fresh/app:1");
        assertThat(first.out())
                .contains("FROM " + host + "/base:1")
                .contains("RUN echo built")
                .contains("DONE");
        // the base was pulled into the store: manifest, config and (RUN needed it) the layer, under its tag
        assertThat(Store.open(a).hasBlob(baseLayer)).isTrue();
        assertThat(stored(a, host + "/base:1").layers())
                .extracting(Descriptor::digest)
                .containsExactly(baseLayer);
        Manifest app = stored(a, "fresh/app:1");
        assertThat(app.layers()).hasSize(3);
        assertThat(app.layers().get(0).digest()).isEqualTo(baseLayer);

        // an empty runner: nothing local, every step needs the base again; the result is the same image
        Run other = buildOk(tmp.resolve("b"), ctx, "-t", "fresh/app:1");
        assertThat(manifestDigest(other)).isEqualTo(manifestDigest(first));

        // the same store again: every step cached, the tag pulled before reused, not one request sent
        int mark = registry.accessLog().size();
        Run again = buildOk(a, ctx, "-t", "fresh/app:1");
        assertThat(again.out()).contains("CACHED").doesNotContain("cache miss");
        assertThat(manifestDigest(again)).isEqualTo(manifestDigest(first));
        assertThat(registry.accessLogSince(mark)).isEmpty();

        // --pull asks the registry for the tag's digest (unchanged): HEAD only, no blob read
        mark = registry.accessLog().size();
        Run pulled = buildOk(a, ctx, "--pull", "-t", "fresh/app:1");
        assertThat(manifestDigest(pulled)).isEqualTo(manifestDigest(first));
        List<String> log = registry.accessLogSince(mark);
        assertThat(log).isNotEmpty().allMatch(l -> l.startsWith("HEAD ") || l.startsWith("GET /v2/ "));
    }

    @Test
    void everyStepCachedNeverFetchesTheBaseLayerAndPushMountsIt() throws Exception {
        Path ctx = context(DOCKERFILE.formatted(host));
        Path home = tmp.resolve("lazy");
        Run first = buildOk(home, ctx, "-t", "lazy/app:1");
        // what a runner with a warm cache but no base layer looks like (e.g. its layers pruned):
        // the cached steps must not need the base's bytes at all
        Files.delete(Store.open(home).blobPath(baseLayer));
        int mark = registry.accessLog().size();
        Run cached = buildOk(home, ctx, "-t", host + "/lazy:1", "--push");
        assertThat(cached.out()).doesNotContain("cache miss");
        assertThat(manifestDigest(cached)).isEqualTo(manifestDigest(first));
        List<String> log = registry.accessLogSince(mark);
        assertThat(blobGets(log)).as("blob downloads").isEmpty();
        // the base layer went registry-side from base to lazy: mounted, never downloaded nor uploaded
        assertThat(log)
                .anyMatch(l -> l.startsWith("POST /v2/lazy/blobs/uploads/?")
                        && l.contains("mount=" + baseLayer.toString().replace(":", "%3A"))
                        && l.contains("from=base")
                        && l.endsWith(" 201"));
        assertThat(Store.open(home).hasBlob(baseLayer)).isFalse();

        String raw = skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + host + "/lazy:1");
        assertThat(Digest.sha256(raw.getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo(manifestDigest(first));
        Path copied = tmp.resolve("copied");
        skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/lazy:1", "oci:" + copied + ":x");
        assertThat(copied.resolve("blobs/sha256").resolve(baseLayer.hex())).exists();

        // pushing again transfers nothing: the registry has the manifest, so only HEADs go out
        mark = registry.accessLog().size();
        Run again = strata(home, "push", host + "/lazy:1");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(registry.accessLogSince(mark))
                .isNotEmpty()
                .allMatch(l -> l.startsWith("HEAD ") || l.startsWith("GET /v2/ "));

        // saving needs every byte: the missing base layer is fetched from its origin, verified and kept
        Path archive = tmp.resolve("lazy.tar");
        Run save = strata(home, "save", "--insecure-registry", host, host + "/lazy:1", "-o", archive.toString());
        assertThat(save.code()).as(save.out()).isZero();
        assertThat(save.out()).contains(manifestDigest(first));
        assertThat(Store.open(home).hasBlob(baseLayer)).isTrue();
        skopeo("inspect", "oci-archive:" + archive);
    }

    /** A one-layer image of {@code platform} in {@code store} (random layer bytes: no step may open them). */
    private static Descriptor platformImage(Store store, String platform, long seed) {
        byte[] layer = new byte[20_000];
        new Random(seed).nextBytes(layer);
        Descriptor l = store.putBlob(MediaType.OCI_LAYER, layer);
        Platform p = Platform.parse(platform);
        String cfg = "{\"architecture\":\"" + p.architecture() + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + l.digest() + "\"]}}";
        Descriptor c = store.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, c, List.of(l), Map.of());
        Descriptor md = store.putBlob(MediaType.OCI_MANIFEST, m.bytes());
        return new Descriptor(md.mediaType(), md.digest(), md.size(), Map.of(), Optional.of(p), List.of());
    }

    @Test
    void aMultiPlatformBaseResolvesToTheBuildPlatformAndOnlyItsConfigIsRead() throws Exception {
        Store src = Store.open(tmp.resolve("multi-src"));
        Descriptor amd = platformImage(src, "linux/amd64", 1);
        Descriptor arm = platformImage(src, "linux/arm64", 2);
        RegistryClient client = RegistryClient.create(RegistryOptions.defaults());
        Reference multi = Reference.parse(host + "/multi:1");
        client.push(src.image(amd), multi.withDigest(amd.digest()));
        client.push(src.image(arm), multi.withDigest(arm.digest()));
        client.putManifest(
                multi,
                Index.of(MediaType.OCI_INDEX, List.of(amd, arm), Map.of()).bytes(),
                MediaType.OCI_INDEX);
        Digest armLayer = src.image(arm).layers().get(0).descriptor().digest();

        Path ctx = context("FROM " + host + "/multi:1\nLABEL built=yes\n");
        Path home = tmp.resolve("multi");
        int mark = registry.accessLog().size();
        Run r = buildOk(home, ctx, "--platform", "linux/arm64", "-t", "multi/app:arm");
        Manifest built = stored(home, "multi/app:arm");
        assertThat(built.layers()).extracting(Descriptor::digest).containsExactly(armLayer);
        Store store = Store.open(home);
        assertThat(new String(store.readBlob(built.config().digest()), StandardCharsets.UTF_8))
                .contains("\"arm64\"");
        // manifests and the arm64 config were read; no layer was downloaded (no step needed one)
        List<String> gets = blobGets(registry.accessLogSince(mark));
        assertThat(gets)
                .hasSize(1)
                .allMatch(l ->
                        l.contains(src.image(arm).manifest().config().digest().toString()));
        assertThat(store.hasBlob(armLayer)).isFalse();

        Run none = build(home, ctx, "--platform", "linux/s390x");
        assertThat(none.code()).as(none.out()).isEqualTo(2);
        assertThat(none.out())
                .contains("Dockerfile:1")
                .contains("linux/s390x")
                .contains("linux/arm64")
                .contains("--platform")
                .doesNotContain("Exception");
    }

    @Test
    void aBaseByDigestAndCopyFromAnImageWork() throws Exception {
        Store local = Store.open(tmp.resolve("digest-src"));
        BuildFixture.importBusybox(local, tmp.resolve("digest-rootfs"));
        Digest base = local.resolve(BuildFixture.BASE).orElseThrow().digest();
        Path ctx = context(
                "FROM " + host + "/base@" + base + "\nCOPY --from=" + host + "/base:1 /etc/passwd /copied-passwd\n");
        Path home = tmp.resolve("digest");
        Run r = buildOk(home, ctx, "-t", "digest/app:1");
        Manifest built = stored(home, "digest/app:1");
        assertThat(built.layers()).hasSize(2);
        assertThat(built.layers().get(0).digest()).isEqualTo(baseLayer);
    }

    @Test
    void refusedCredentialsSayWhichRegistryAndHowToLogIn() throws Exception {
        try (RegistryFixture auth = RegistryFixture.basicAuth("erin", "s3cret")) {
            Path home = tmp.resolve("auth");
            Run from = build(home, context("FROM " + auth.host() + "/private/base:1\nRUN true\n"));
            assertThat(from.code()).as(from.out()).isEqualTo(3);
            assertThat(from.out())
                    .contains("Dockerfile:1")
                    .contains(auth.host())
                    .contains("401")
                    .contains("strata login " + auth.host())
                    .doesNotContain("Exception");

            Run push = build(
                    home, context("FROM scratch\nCOPY a.txt /a.txt\n"), "-t", auth.host() + "/private/app:1", "--push");
            assertThat(push.code()).as(push.out()).isEqualTo(3);
            assertThat(push.out())
                    .contains(auth.host())
                    .contains("strata login " + auth.host())
                    .doesNotContain("Exception");
        }
        Run noTag = build(tmp.resolve("auth"), context("FROM scratch\n"), "--push");
        assertThat(noTag.code()).as(noTag.out()).isEqualTo(2);
        assertThat(noTag.out()).contains("--push").contains("-t");
    }

    @Test
    void pullPicksUpANewDigestOfTheTagAndWithoutItTheStoredTagIsUsed() throws Exception {
        Store src = Store.open(tmp.resolve("moving-src"));
        RegistryClient client = RegistryClient.create(RegistryOptions.defaults());
        Reference moving = Reference.parse(host + "/moving:1");
        Descriptor old = platformImage(src, Platform.host().toString(), 10);
        client.push(src.image(old), moving);
        Path ctx = context("FROM " + host + "/moving:1\nLABEL v=1\n");
        Path home = tmp.resolve("moving");
        buildOk(home, ctx, "-t", "moving/app:1");
        Digest oldLayer = src.image(old).layers().get(0).descriptor().digest();
        assertThat(stored(home, "moving/app:1").layers().get(0).digest()).isEqualTo(oldLayer);

        Descriptor next = platformImage(src, Platform.host().toString(), 11);
        client.push(src.image(next), moving);
        Digest newLayer = src.image(next).layers().get(0).descriptor().digest();
        buildOk(home, ctx, "-t", "moving/app:1");
        assertThat(stored(home, "moving/app:1").layers().get(0).digest())
                .as("store first")
                .isEqualTo(oldLayer);
        buildOk(home, ctx, "--pull", "-t", "moving/app:1");
        assertThat(stored(home, "moving/app:1").layers().get(0).digest())
                .as("--pull")
                .isEqualTo(newLayer);
        assertThat(stored(home, host + "/moving:1").layers().get(0).digest()).isEqualTo(newLayer);
    }
}
