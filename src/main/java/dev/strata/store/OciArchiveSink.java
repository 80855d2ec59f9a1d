package dev.strata.store;

import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An oci-archive (a tar of an OCI image layout) as an {@link ImageSink}, written in one pass: the
 * layout marker, each blob once (verified as it streams), then the manifest and index.json. The tar is
 * the caller's to close. Failures are {@link UncheckedIOException}s for the caller to name.
 */
final class OciArchiveSink implements ImageSink {
    private final DeterministicTar tar;
    private final String tag;

    OciArchiveSink(DeterministicTar tar, String tag) throws IOException {
        this.tar = tar;
        this.tag = tag;
        tar.file("oci-layout", LayoutSink.LAYOUT.getBytes(StandardCharsets.UTF_8));
        tar.dir("blobs/");
        tar.dir("blobs/sha256/");
    }

    @Override
    public String name() {
        return "oci-archive";
    }

    @Override
    public void blob(Artifact artifact, Layer blob) {
        String name = "blobs/sha256/" + blob.descriptor().digest().hex();
        if (tar.has(name)) {
            return;
        }
        try (InputStream in = ImageExport.verified(blob)) {
            tar.file(name, blob.descriptor().size(), in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void manifest(Artifact artifact) {
        Descriptor m = artifact.descriptor();
        if (!tag.isEmpty()) {
            m = m.withAnnotations(Map.of(Store.REF_NAME, tag));
        }
        try {
            tar.file("blobs/sha256/" + m.digest().hex(), artifact.manifest().bytes());
            tar.file(
                    "index.json",
                    Index.of(MediaType.OCI_INDEX, List.of(m), Map.of()).bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
