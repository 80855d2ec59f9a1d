package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dir;

    @Test
    void blobsAreStoredByDigestAndTagsLandInIndexJson() throws Exception {
        Store s = Store.open(dir);
        byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
        Descriptor d = s.putBlob(MediaType.OCI_MANIFEST, b);
        assertThat(d.digest()).isEqualTo(Digest.sha256(b));
        assertThat(s.readBlob(d.digest())).isEqualTo(b);
        s.tag("demo:1", "docker.io/library/demo:1", d);
        s.tag("demo:1", "docker.io/library/demo:1", d);
        assertThat(Store.open(dir).tags()).hasSize(1);
        assertThat(s.resolve("demo:1")).map(Descriptor::digest).contains(d.digest());
        assertThat(Files.readString(dir.resolve("index.json"))).contains("org.opencontainers.image.ref.name");
        assertThat(Files.list(dir.resolve("tmp"))).isEmpty();
    }

    @Test
    void wrongDigestIsRefusedAndLeavesNothing() throws Exception {
        Store s = Store.open(dir);
        Digest wrong = Digest.sha256(new byte[] {1});
        assertThatThrownBy(() -> s.putBlob("x", new ByteArrayInputStream(new byte[] {2}), Optional.of(wrong)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("does not match");
        assertThat(Files.list(dir.resolve("tmp"))).isEmpty();
        assertThat(s.hasBlob(wrong)).isFalse();
    }

    @Test
    void missingAndCorruptBlobsGiveClearErrors() throws Exception {
        Store s = Store.open(dir);
        Descriptor d = s.putBlob("x", new byte[] {5});
        Files.write(s.blobPath(d.digest()), new byte[] {6});
        assertThatThrownBy(() -> s.readBlob(d.digest())).hasMessageContaining("corrupt");
        Files.delete(s.blobPath(d.digest()));
        assertThatThrownBy(() -> s.openBlob(d.digest()))
                .hasMessageContaining("missing")
                .hasMessageContaining("strata prune");
        Files.writeString(dir.resolve("index.json"), "{nope");
        assertThatThrownBy(s::tags).hasMessageContaining("index.json");
    }
}
