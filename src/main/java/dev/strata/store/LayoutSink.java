package dev.strata.store;

import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An OCI image layout directory as an {@link ImageSink}: {@code --output type=oci,dest=DIR/},
 * {@code strata save --format oci-dir} and the {@code type=local} cache. Each blob goes to a temp
 * name, is verified against its digest and renamed; index.json is replaced last, by rename, so a
 * reader sees the previous content or the new, whole. Other images in the layout are kept; an entry
 * with the same tag is replaced. Failures are {@link UncheckedIOException}s for the caller to name.
 */
public final class LayoutSink implements ImageSink {
    static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

    private final Path dir;
    private final String tag;

    /** @param tag the org.opencontainers.image.ref.name of the manifest's entry; empty for none */
    public LayoutSink(Path dir, String tag) {
        this.dir = dir;
        this.tag = tag;
    }

    @Override
    public String name() {
        return "oci layout " + dir;
    }

    @Override
    public boolean holds(Descriptor manifest) {
        Path index = dir.resolve("index.json");
        if (tag.isEmpty() || !Files.isRegularFile(index) || !Files.isRegularFile(blobPath(manifest))) {
            return false;
        }
        try {
            return Index.parse(Files.readAllBytes(index), MediaType.OCI_INDEX).manifests().stream()
                    .anyMatch(d -> d.digest().equals(manifest.digest())
                            && tag.equals(d.annotations().get(Store.REF_NAME)));
        } catch (IOException | RuntimeException unreadable) {
            // a damaged index is rewritten
            return false;
        }
    }

    @Override
    public void blob(Artifact artifact, Layer blob) {
        try {
            Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            Path dest = blobPath(blob.descriptor());
            if (!Files.isRegularFile(dest)) {
                try (InputStream in = ImageExport.verified(blob)) {
                    replace(dest, in);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void manifest(Artifact artifact) {
        try {
            Path layout = dir.resolve("oci-layout");
            if (!Files.isRegularFile(layout)) {
                replace(layout, new ByteArrayInputStream(LAYOUT.getBytes(StandardCharsets.UTF_8)));
            }
            Descriptor m = artifact.descriptor();
            replace(blobPath(m), new ByteArrayInputStream(artifact.manifest().bytes()));
            List<Descriptor> entries = new ArrayList<>();
            Path index = dir.resolve("index.json");
            if (Files.exists(index)) {
                entries.addAll(Index.parse(Files.readAllBytes(index), MediaType.OCI_INDEX)
                        .manifests());
            }
            if (!tag.isEmpty()) {
                entries.removeIf(d -> tag.equals(d.annotations().get(Store.REF_NAME)));
                m = m.withAnnotations(Map.of(Store.REF_NAME, tag));
            }
            entries.add(m);
            // last: until this rename a reader sees the previous index, whole
            replace(
                    index,
                    new ByteArrayInputStream(
                            Index.of(MediaType.OCI_INDEX, entries, Map.of()).bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path blobPath(Descriptor d) {
        return dir.resolve("blobs")
                .resolve(d.digest().algorithm())
                .resolve(d.digest().hex());
    }

    /** Writes {@code in} to a temp name beside {@code file}, then renames it over {@code file}. */
    private static void replace(Path file, InputStream in) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
