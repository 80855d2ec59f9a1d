package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredImagesTest {
    @TempDir
    Path dir;

    private static Descriptor manifest(Store s, String text) {
        return s.putBlob(MediaType.OCI_MANIFEST, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReferenceFindsItsTagByDigestThenFullReferenceThenShortName() {
        Store s = Store.open(dir);
        Descriptor built = manifest(s, "{\"built\":1}");
        Descriptor pulled = manifest(s, "{\"pulled\":1}");
        s.tag("python:3.7", "docker.io/library/python:3.7", built);
        // pulled by digest as another name, recorded with the reference it came from
        s.tagPulled("mirror/python:3.7", "docker.io/library/python:3.7-slim", pulled);

        assertThat(StoredImages.find(s, Reference.parse("python:3.7")))
                .map(Descriptor::digest)
                .contains(built.digest());
        assertThat(StoredImages.find(s, Reference.parse("docker.io/library/python:3.7-slim")))
                .map(Descriptor::digest)
                .contains(pulled.digest());
        assertThat(StoredImages.find(s, Reference.parse("anything@" + pulled.digest())))
                .map(Descriptor::digest)
                .contains(pulled.digest());
        assertThat(StoredImages.find(s, Reference.parse("mirror/python:3.7")))
                .map(Descriptor::digest)
                .contains(pulled.digest());
        assertThat(StoredImages.find(s, Reference.parse("python:3.8"))).isEmpty();
        assertThat(StoredImages.find(s, Reference.parse("python@sha256:" + "0".repeat(64))))
                .isEmpty();
    }

    @Test
    void theFullReferenceWinsOverAnotherImageTaggedWithTheShortName() {
        Store s = Store.open(dir);
        Descriptor local = manifest(s, "{\"local\":1}");
        Descriptor remote = manifest(s, "{\"remote\":1}");
        s.tag("127.0.0.1:5000/app:1", "other", local);
        s.tagPulled("mirror:1", "127.0.0.1:5000/app:1", remote);

        assertThat(StoredImages.find(s, Reference.parse("127.0.0.1:5000/app:1")))
                .map(Descriptor::digest)
                .contains(remote.digest());
    }
}
