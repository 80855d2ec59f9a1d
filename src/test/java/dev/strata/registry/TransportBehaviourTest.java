package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounded parallelism and re-authentication, observed from a scripted server. */
class TransportBehaviourTest {
    @TempDir
    Path tmp;

    FakeRegistry fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    RegistryOptions options() {
        return RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("none"))
                .withRetries(3, Duration.ofMillis(5));
    }

    @Test
    void blobTransfersAreBoundedByParallelism() {
        TestImages.MemImage img = TestImages.random(31, Platform.parse("linux/amd64"), 10, 20, 30, 40, 50, 60, 70);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        for (var d : img.blobs().keySet()) {
            fake.on("HEAD", "/v2/p/blobs/" + d, (ex, n) -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now.decrementAndGet();
                FakeRegistry.send(ex, 200, new byte[0]);
            });
        }
        fake.on("PUT", "/v2/p/manifests/t", (ex, n) -> FakeRegistry.send(ex, 201, new byte[0]));
        RegistryClient.create(options().withParallelism(2)).push(img, Reference.parse(fake.host() + "/p:t"));
        assertThat(max.get()).isEqualTo(2);
        assertThat(fake.requests("PUT", "/v2/p/manifests/t"))
                .singleElement()
                .satisfies(r -> assertThat(r.body().getBytes(StandardCharsets.ISO_8859_1))
                        .isEqualTo(img.manifest().bytes()));
    }

    @Test
    void aRevokedTokenIsReplacedOnceAndTheRequestRetried() {
        Digest d = Digest.sha256(new byte[] {2});
        AtomicInteger issued = new AtomicInteger();
        Set<String> valid = ConcurrentHashMap.newKeySet();
        fake.on("GET", "/token", (ex, n) -> {
            String tok = "tok-" + issued.incrementAndGet();
            valid.add(tok);
            FakeRegistry.send(ex, 200, ("{\"token\":\"" + tok + "\"}").getBytes(StandardCharsets.UTF_8));
        });
        fake.on("HEAD", "/v2/q/blobs/" + d, (ex, n) -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null && valid.remove(auth.substring("Bearer ".length()))) {
                // each token works once: the next request must come back for a new one
                FakeRegistry.send(ex, 200, new byte[0]);
                return;
            }
            ex.getResponseHeaders()
                    .set("WWW-Authenticate", "Bearer realm=\"http://" + fake.host() + "/token\",service=\"s\"");
            FakeRegistry.send(ex, 401, new byte[0]);
        });
        RegistryClient c = RegistryClient.create(options());
        Reference repo = Reference.parse(fake.host() + "/q:t");
        assertThat(c.hasBlob(repo, d)).isTrue();
        assertThat(c.hasBlob(repo, d)).isTrue();
        assertThat(issued.get()).isEqualTo(2);
        var heads = fake.requests("HEAD", "/v2/q/blobs/" + d);
        assertThat(heads)
                .extracting(r -> r.header("Authorization"))
                .containsExactly(null, "Bearer tok-1", "Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void tagsFollowPaginationAndReferrersUseTheApiWhenPresent() {
        fake.on("GET", "/v2/t/tags/list", (ex, n) -> {
            boolean first = ex.getRequestURI().getRawQuery() == null;
            if (first) {
                ex.getResponseHeaders().set("Link", "</v2/t/tags/list?n=2&last=b>; rel=\"next\"");
            }
            FakeRegistry.send(
                    ex,
                    200,
                    (first ? "{\"name\":\"t\",\"tags\":[\"a\",\"b\"]}" : "{\"name\":\"t\",\"tags\":[\"c\"]}")
                            .getBytes(StandardCharsets.UTF_8));
        });
        Digest subject = Digest.sha256(new byte[] {3});
        Digest sig = Digest.sha256(new byte[] {4});
        fake.on("GET", "/v2/t/referrers/" + subject, (ex, n) -> {
            ex.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.index.v1+json");
            FakeRegistry.send(
                    ex,
                    200,
                    ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                                    + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                                    + sig
                                    + "\",\"size\":10,\"artifactType\":\"application/vnd.example.sig\"}]}")
                            .getBytes(StandardCharsets.UTF_8));
        });
        RegistryClient c = RegistryClient.create(options());
        Reference repo = Reference.parse(fake.host() + "/t:x");
        assertThat(c.tags(repo)).containsExactly("a", "b", "c");
        assertThat(fake.requests("GET", "/v2/t/tags/list"))
                .last()
                .satisfies(r -> assertThat(r.query()).isEqualTo("n=2&last=b"));
        assertThat(c.referrers(repo, subject)).extracting(Descriptor::digest).containsExactly(sig);
        assertThat(fake.requests()).noneMatch(r -> r.path().contains("sha256-"));
    }
}
