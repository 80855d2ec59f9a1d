package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient#fetchBlob}: network buffers straight into a channel, with the faults of a bad registry. */
class BlobDownloadTest {
    @TempDir
    Path tmp;

    FakeRegistry fake;
    byte[] blob;
    Descriptor desc;
    String path;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        blob = new byte[300_000];
        new Random(7).nextBytes(blob);
        desc = new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.sha256(blob), blob.length);
        path = "/v2/r/blobs/" + desc.digest();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    RegistryClient client(Duration timeout) {
        return RegistryClient.create(RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("none"))
                .withRetries(4, Duration.ofMillis(5))
                .withTimeout(timeout));
    }

    byte[] fetch(RegistryClient c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.fetchBlob(Reference.parse(fake.host() + "/r:t"), desc, Channels.newChannel(out));
        return out.toByteArray();
    }

    /** Sends the blob from the requested Range (206), or all of it (200) when {@code honourRange} is false. */
    void sendFrom(HttpExchange ex, boolean honourRange) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        long from = range == null || !honourRange ? 0 : Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
        if (from > 0) {
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, blob.length - from);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(blob, (int) from, (int) (blob.length - from));
        }
    }

    void dropAfter(HttpExchange ex, int bytes) throws IOException {
        // the pause lets the client read what was sent: closing at once can reset the connection before
        // the bytes are read, and the client then rightly starts again from 0 (no Range to check)
        FakeRegistry.sendPartThenDrop(ex, blob, bytes, 300);
    }

    @Test
    void aDroppedBodyIsResumedWithRangeAndTheBytesAreExact() {
        fake.on("GET", path, (ex, n) -> {
            if (n == 1) {
                dropAfter(ex, 120_000);
            }
            sendFrom(ex, true);
        });
        assertThat(fetch(client(Duration.ofSeconds(5)))).isEqualTo(blob);
        var gets = fake.requests("GET", path);
        assertThat(gets).hasSize(2);
        assertThat(Long.parseLong(gets.get(1).header("Range").replaceAll("\\D", "")))
                .isPositive()
                .isLessThanOrEqualTo(120_000);
    }

    @Test
    void aRegistryIgnoringRangeIsSkippedUpToWhatIsWritten() {
        fake.on("GET", path, (ex, n) -> {
            if (n == 1) {
                dropAfter(ex, 150_000);
            }
            sendFrom(ex, false);
        });
        assertThat(fetch(client(Duration.ofSeconds(5)))).isEqualTo(blob);
    }

    @Test
    void aStalledBodyIsCancelledAndResumedInBoundedTime() {
        fake.on("GET", path, (ex, n) -> {
            if (n == 1) {
                FakeRegistry.sendPartThenDrop(ex, blob, 70_000, 20_000);
            }
            sendFrom(ex, true);
        });
        long start = System.nanoTime();
        assertThat(fetch(client(Duration.ofMillis(400)))).isEqualTo(blob);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(fake.requests("GET", path)).hasSize(2);
    }

    @Test
    void aLongerBodyIsRefusedAtOnceAndAShortOneAfterRetries() {
        byte[] longer = Arrays.copyOf(blob, blob.length + 10);
        fake.on("GET", path, (ex, n) -> FakeRegistry.send(ex, 200, longer));
        assertThatThrownBy(() -> fetch(client(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("longer than its " + blob.length + " bytes");
        assertThat(fake.requests("GET", path)).hasSize(1);
        fake.on("GET", path, (ex, n) -> FakeRegistry.send(ex, 200, Arrays.copyOf(blob, 5000)));
        assertThatThrownBy(() -> fetch(client(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("the body ended at byte 5000")
                .hasMessageContaining("unreliable");
    }

    @Test
    void aWrongResumeRangeAndAMissingBlobAreClearErrors() {
        fake.on("GET", path, (ex, n) -> {
            if (n == 1) {
                dropAfter(ex, 100_000);
            }
            ex.getResponseHeaders().set("Content-Range", "bytes 250000-299999/300000");
            ex.sendResponseHeaders(206, 50_000);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(blob, 250_000, 50_000);
            }
        });
        assertThatThrownBy(() -> fetch(client(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("with the wrong range bytes 250000-299999/300000");
        fake.on("GET", path, (ex, n) -> FakeRegistry.send(ex, 404, new byte[0]));
        assertThatThrownBy(() -> fetch(client(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("blob " + desc.digest() + " of " + fake.host() + "/r was not found");
    }
}
