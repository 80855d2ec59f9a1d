package dev.strata.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The {@code --output} formats: an OCI image layout directory, an oci-archive tar, a docker-archive tar. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** Adds the image to the OCI layout at {@code dir} (created if needed) under {@code tag}. */
    static void writeOciLayout(Image image, Store store, Path dir, String tag) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        copyBlob(store, image.manifest().config(), blobs);
        for (Layer l : image.layers()) {
            copyBlob(store, l.descriptor(), blobs);
        }
        Files.write(blobs.resolve(image.manifest().digest().hex()), image.manifest().bytes());
        List<Descriptor> entries = new ArrayList<>();
        Path index = dir.resolve("index.json");
        if (Files.exists(index)) {
            for (Descriptor d : Index.parse(Files.readAllBytes(index), MediaType.OCI_INDEX).manifests()) {
                if (!tag.equals(d.annotations().get(Store.REF_NAME))) {
                    entries.add(d);
                }
            }
        }
        entries.add(image.manifest().descriptor().withAnnotations(Map.of(Store.REF_NAME, tag)));
        Files.write(index, Index.of(MediaType.OCI_INDEX, entries, Map.of()).bytes());
    }

    /** The OCI layout of the image as a tar stream. */
    static void writeOciArchive(Image image, Store store, OutputStream out, String tag, Path scratch) throws IOException {
        Path dir = Files.createTempDirectory(scratch, "oci-");
        try {
            writeOciLayout(image, store, dir, tag);
            try (TarArchiveOutputStream t = tar(out); Stream<Path> s = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    if (!p.equals(dir)) {
                        add(t, dir.relativize(p).toString(), p);
                    }
                }
                t.finish();
            }
        } finally {
            BuildSession.deleteTree(dir);
        }
    }

    /** A tar that {@code docker load} reads: manifest.json, the config, and each layer uncompressed. */
    static void writeDockerArchive(Image image, Store store, OutputStream out, String repoTag, Path scratch)
            throws IOException {
        Path dir = Files.createTempDirectory(scratch, "docker-");
        try (TarArchiveOutputStream t = tar(out)) {
            String config = image.manifest().config().digest().hex() + ".json";
            Path cfg = dir.resolve(config);
            Files.write(cfg, image.configBytes());
            add(t, config, cfg);
            ObjectMapper json = new ObjectMapper();
            ArrayNode manifest = json.createArrayNode();
            ObjectNode m = manifest.addObject();
            m.put("Config", config);
            m.putArray("RepoTags").add(repoTag);
            ArrayNode layers = m.putArray("Layers");
            for (Layer l : image.layers()) {
                String name = l.diffId().hex() + "/layer.tar";
                Path tmp = dir.resolve(l.diffId().hex() + ".tar");
                try (InputStream in = store.openBlob(l.descriptor().digest());
                        InputStream raw = MediaType.layerCompression(l.descriptor().mediaType())
                                .filter(c -> c == MediaType.Compression.GZIP).isPresent() ? new GZIPInputStream(in) : in) {
                    Files.copy(raw, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                add(t, name, tmp);
                Files.delete(tmp);
                layers.add(name);
            }
            Path mf = dir.resolve("manifest.json");
            Files.write(mf, json.writeValueAsBytes(manifest));
            add(t, "manifest.json", mf);
            t.finish();
        } finally {
            BuildSession.deleteTree(dir);
        }
    }

    private static TarArchiveOutputStream tar(OutputStream out) {
        TarArchiveOutputStream t = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return t;
    }

    private static void add(TarArchiveOutputStream t, String name, Path p) throws IOException {
        boolean dir = Files.isDirectory(p);
        TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
        e.setModTime(FileTime.from(Instant.EPOCH));
        e.setMode(dir ? 0755 : 0644);
        if (!dir) {
            e.setSize(Files.size(p));
        }
        t.putArchiveEntry(e);
        if (!dir) {
            Files.copy(p, t);
        }
        t.closeArchiveEntry();
    }

    private static void copyBlob(Store store, Descriptor d, Path blobs) throws IOException {
        Path dest = blobs.resolve(d.digest().hex());
        if (!Files.exists(dest)) {
            Files.copy(store.blobPath(d.digest()), dest);
        }
    }

    /** The image a layout directory holds under {@code tag} (or its only image). */
    static Image readOciLayout(Path dir, java.util.Optional<String> tag, String where) {
        try {
            List<Descriptor> all = Index.parse(Files.readAllBytes(dir.resolve("index.json")), MediaType.OCI_INDEX)
                    .manifests();
            Descriptor pick = null;
            for (Descriptor d : all) {
                if (tag.isEmpty() ? all.size() == 1 : tag.get().equals(d.annotations().get(Store.REF_NAME))) {
                    pick = d;
                }
            }
            if (pick == null || !MediaType.isManifest(pick.mediaType())) {
                throw StrataException.input(where + ": the OCI layout " + dir + " has no single-platform image"
                        + tag.map(t -> " tagged " + t).orElse(" (name one with oci-layout://DIR:TAG)"));
            }
            dev.strata.oci.BlobSource src = d -> Files.newInputStream(dir.resolve("blobs").resolve(d.digest().algorithm())
                    .resolve(d.digest().hex()));
            dev.strata.oci.Manifest m = dev.strata.oci.Manifest.parse(
                    Files.readAllBytes(dir.resolve("blobs/sha256").resolve(pick.digest().hex())), pick.mediaType());
            byte[] cfg = Files.readAllBytes(dir.resolve("blobs/sha256").resolve(m.config().digest().hex()));
            dev.strata.oci.ImageConfig config = dev.strata.oci.ImageConfig.parse(cfg);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < m.layers().size(); i++) {
                layers.add(src.layer(m.layers().get(i), config.diffIds().get(i)));
            }
            return new Image() {
                @Override
                public dev.strata.oci.Manifest manifest() {
                    return m;
                }

                @Override
                public byte[] configBytes() {
                    return cfg.clone();
                }

                @Override
                public List<Layer> layers() {
                    return layers;
                }
            };
        } catch (IOException e) {
            throw StrataException.input(where + ": cannot read the OCI layout " + dir + ": " + e.getMessage(), e);
        }
    }
}
