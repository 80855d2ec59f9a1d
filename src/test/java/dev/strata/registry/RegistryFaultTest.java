package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults a real registry won't produce on demand, from a scripted server on 127.0.0.1. */
class RegistryFaultTest {
    static final String BLOB_PATH_PREFIX = "/v2/r/blobs/";

    @TempDir
    Path tmp;

    FakeRegistry fake;
    byte[] blob;
    Descriptor desc;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        blob = new byte[200_000];
        new Random(42).nextBytes(blob);
        desc = new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.sha256(blob), blob.length);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    RegistryClient client() {
        return RegistryClient.create(RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("none"))
                .withRetries(4, Duration.ofMillis(5)));
    }

    Reference repo() {
        return Reference.parse(fake.host() + "/r:t");
    }

    String blobPath() {
        return BLOB_PATH_PREFIX + desc.digest();
    }

    @Test
    void retryAfterOn429IsHonoured() {
        fake.on("HEAD", blobPath(), (ex, n) -> {
            if (n == 1) {
                ex.getResponseHeaders().set("Retry-After", "1");
                FakeRegistry.send(ex, 429, new byte[0]);
            } else {
                FakeRegistry.send(ex, 200, new byte[0]);
            }
        });
        long start = System.nanoTime();
        assertThat(client().hasBlob(repo(), desc.digest())).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(fake.requests("HEAD", blobPath())).hasSize(2);
    }

    @Test
    void fiveHundredsAreRetriedThenGiveUpWithAClearError() {
        fake.on("HEAD", blobPath(), (ex, n) -> FakeRegistry.send(ex, n <= 2 ? 500 : 200, new byte[0]));
        assertThat(client().hasBlob(repo(), desc.digest())).isTrue();
        assertThat(fake.requests("HEAD", blobPath())).hasSize(3);

        Reference other = Reference.parse(fake.host() + "/down:t");
        fake.on("GET", "/v2/down/manifests/t", (ex, n) -> FakeRegistry.send(ex, 503, new byte[0]));
        assertThatThrownBy(() -> client().manifest(other))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("503")
                .hasMessageContaining("try again later");
        assertThat(fake.requests("GET", "/v2/down/manifests/t")).hasSize(4);
    }

    @Test
    void droppedConnectionMidBlobResumesWithRange() throws IOException {
        int half = blob.length / 2;
        fake.on("GET", blobPath(), (ex, n) -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range == null) {
                ex.sendResponseHeaders(200, blob.length);
                OutputStream out = ex.getResponseBody();
                out.write(blob, 0, half);
                out.flush();
                throw new IOException("drop the connection mid-body");
            }
            long from = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
            ex.sendResponseHeaders(206, blob.length - from);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(blob, (int) from, (int) (blob.length - from));
            }
        });
        byte[] got = TestImages.readAll(client().openBlob(repo(), desc));
        assertThat(got).isEqualTo(blob);
        var gets = fake.requests("GET", blobPath());
        assertThat(gets).hasSize(2);
        assertThat(gets.get(1).header("Range")).matches("bytes=\\d+-");
        assertThat(Long.parseLong(gets.get(1).header("Range").replaceAll("\\D", "")))
                .isPositive()
                .isLessThanOrEqualTo(half);
    }

    @Test
    void aStalledBodyIsAbandonedAndResumed() {
        int part = 70_000;
        fake.on("GET", blobPath(), (ex, n) -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range == null) {
                FakeRegistry.sendPartThenDrop(ex, blob, part, 20_000);
            }
            long from = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
            ex.sendResponseHeaders(206, blob.length - from);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(blob, (int) from, (int) (blob.length - from));
            }
        });
        RegistryClient c = RegistryClient.create(client().options().withTimeout(Duration.ofMillis(400)));
        long start = System.nanoTime();
        assertThat(TestImages.readAll(c.openBlob(repo(), desc))).isEqualTo(blob);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(fake.requests("GET", blobPath())).hasSize(2);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void wrongDigestIsRefused() {
        byte[] other = blob.clone();
        other[1000] ^= 1;
        fake.on("GET", blobPath(), (ex, n) -> FakeRegistry.send(ex, 200, other));
        assertThatThrownBy(() -> TestImages.readAll(client().openBlob(repo(), desc)))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("does not match its digest")
                .hasMessageContaining(desc.digest().toString());
    }

    @Test
    void truncatedBodiesWithoutRangeSupportFailAfterRetries() {
        fake.on("GET", blobPath(), (ex, n) -> {
            ex.sendResponseHeaders(200, blob.length);
            OutputStream out = ex.getResponseBody();
            out.write(blob, 0, 1000);
            out.flush();
            throw new IOException("truncate");
        });
        assertThatThrownBy(() -> TestImages.readAll(client().openBlob(repo(), desc)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("cannot read blob " + desc.digest())
                .hasMessageContaining("unreliable");
        assertThat(fake.requests("GET", blobPath())).hasSize(4);
    }

    @Test
    void wrongContentLengthShortOrLongIsDetected() {
        // declares (and sends) fewer bytes than the descriptor: an early end, resumed, then given up
        fake.on("GET", blobPath(), (ex, n) -> FakeRegistry.send(ex, 200, Arrays.copyOf(blob, 5000)));
        assertThatThrownBy(() -> TestImages.readAll(client().openBlob(repo(), desc)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("the body ended at byte 5000");
        // declares more: the extra bytes are refused as soon as they pass the descriptor's size
        byte[] longer = Arrays.copyOf(blob, blob.length + 10);
        fake.on("GET", blobPath(), (ex, n) -> FakeRegistry.send(ex, 200, longer));
        assertThatThrownBy(() -> TestImages.readAll(client().openBlob(repo(), desc)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("longer than its " + blob.length + " bytes");
    }

    @Test
    void failedUploadsAreRetriedWithTheWholeBodyAgain() {
        fake.on("HEAD", blobPath(), (ex, n) -> FakeRegistry.send(ex, 404, new byte[0]));
        fake.on("POST", "/v2/r/blobs/uploads/", (ex, n) -> {
            ex.getResponseHeaders().set("Location", "/v2/r/blobs/uploads/session-1?_state=abc");
            FakeRegistry.send(ex, 202, new byte[0]);
        });
        fake.on("PATCH", "/v2/r/blobs/uploads/session-1", (ex, n) -> {
            ex.getResponseHeaders().set("Location", "/v2/r/blobs/uploads/session-1?_state=n" + n);
            FakeRegistry.send(ex, n == 2 ? 502 : 202, new byte[0]);
        });
        fake.on("PUT", "/v2/r/blobs/uploads/session-1", (ex, n) -> {
            ex.getResponseHeaders().set("Docker-Content-Digest", desc.digest().toString());
            FakeRegistry.send(ex, n == 1 ? 503 : 201, new byte[0]);
        });
        // monolithic: the PUT fails once and is sent again from a fresh stream
        client().pushBlob(repo(), desc, d -> new ByteArrayInputStream(blob), List.of());
        var puts = fake.requests("PUT", "/v2/r/blobs/uploads/session-1");
        assertThat(puts).hasSize(2);
        assertThat(puts.get(1).query())
                .isEqualTo("_state=abc&digest=" + desc.digest().toString().replace(":", "%3A"));
        assertThat(puts.get(1).body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(blob);
        // chunked: 64 KiB chunks with Content-Range, the failed one sent again, then the closing PUT
        RegistryClient chunked = RegistryClient.create(client().options().withChunkSize(64 << 10));
        chunked.pushBlob(repo(), desc, d -> new ByteArrayInputStream(blob), List.of());
        var patches = fake.requests("PATCH", "/v2/r/blobs/uploads/session-1");
        assertThat(patches)
                .extracting(r -> r.header("Content-Range"))
                .containsExactly("0-65535", "65536-131071", "65536-131071", "131072-196607", "196608-199999");
        StringBuilder joined = new StringBuilder();
        for (int i : new int[] {0, 2, 3, 4}) {
            joined.append(patches.get(i).body());
        }
        assertThat(joined.toString().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(blob);
        assertThat(fake.requests("PUT", "/v2/r/blobs/uploads/session-1"))
                .last()
                .satisfies(r -> assertThat(r.body()).isEmpty());
    }

    @Test
    void aHungRegistryFailsUploadsAfterABoundedTimeWithRetries() {
        fake.on("HEAD", blobPath(), (ex, n) -> FakeRegistry.send(ex, 404, new byte[0]));
        fake.on("POST", "/v2/r/blobs/uploads/", (ex, n) -> {
            ex.getResponseHeaders().set("Location", "/v2/r/blobs/uploads/session-1");
            FakeRegistry.send(ex, 202, new byte[0]);
        });
        FakeRegistry.Handler hang = (ex, n) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                throw new IOException("stopped", e);
            }
        };
        fake.on("PUT", "/v2/r/blobs/uploads/session-1", hang);
        fake.on("PATCH", "/v2/r/blobs/uploads/session-1", hang);
        RegistryClient hung = RegistryClient.create(
                client().options().withTimeout(Duration.ofMillis(400)).withRetries(2, Duration.ofMillis(5)));
        long start = System.nanoTime();
        // monolithic PUT: 400 ms plus the body at the floor rate, twice, then a registry error
        assertThatThrownBy(() -> hung.pushBlob(repo(), desc, d -> new ByteArrayInputStream(blob), List.of()))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining(fake.host() + " did not answer PUT /v2/r/blobs/uploads/session-1")
                .hasMessageContaining("2 times");
        assertThat(fake.requests("PUT", "/v2/r/blobs/uploads/session-1")).hasSize(2);
        // chunked: the first PATCH hangs, is sent once more, and the upload stops there
        RegistryClient chunked = RegistryClient.create(hung.options().withChunkSize(64 << 10));
        assertThatThrownBy(() -> chunked.pushBlob(repo(), desc, d -> new ByteArrayInputStream(blob), List.of()))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("did not answer PATCH");
        assertThat(fake.requests("PATCH", "/v2/r/blobs/uploads/session-1"))
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.header("Content-Range")).isEqualTo("0-65535"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void noManifestIsPushedWhenABlobUploadFails() {
        TestImages.MemImage img = TestImages.random(21, Platform.parse("linux/amd64"), 100);
        fake.on(
                "POST",
                "/v2/r/blobs/uploads/",
                (ex, n) -> FakeRegistry.send(
                        ex,
                        500,
                        "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}"
                                .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client().push(img, repo()))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("disk on fire")
                .hasMessageContaining("500");
        assertThat(fake.requests()).noneMatch(r -> r.method().equals("PUT"));
    }

    @Test
    void redirectToAnotherHostDropsAuthorization() throws IOException {
        try (FakeRegistry storage = new FakeRegistry()) {
            storage.on("GET", "/bucket/blob", (ex, n) -> FakeRegistry.send(ex, 200, blob));
            fake.on("GET", blobPath(), (ex, n) -> {
                if (ex.getRequestHeaders().getFirst("Authorization") == null) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
                    FakeRegistry.send(ex, 401, new byte[0]);
                    return;
                }
                ex.getResponseHeaders()
                        .set("Location", "http://" + storage.host() + "/bucket/blob?X-Amz-Signature=abc");
                FakeRegistry.send(ex, 307, new byte[0]);
            });
            Path auth = tmp.resolve("auth.json");
            RegistryOptions o = client().options().withAuthFile(Optional.of(auth));
            new CredentialStore(o).store(fake.host(), new Credential("bob", "pw"));
            assertThat(TestImages.readAll(RegistryClient.create(o).openBlob(repo(), desc)))
                    .isEqualTo(blob);
            assertThat(fake.requests("GET", blobPath()).get(1).header("Authorization"))
                    .startsWith("Basic ");
            assertThat(storage.requests("GET", "/bucket/blob"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("Authorization")).isNull())
                    .satisfies(r -> assertThat(r.query()).isEqualTo("X-Amz-Signature=abc"));
        }
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
