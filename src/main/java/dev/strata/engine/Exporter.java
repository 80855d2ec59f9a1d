package dev.strata.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.archive.Compression;
import dev.strata.archive.LayerExtractor;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import dev.strata.archive.WhiteoutMode;
import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.store.ImageExport;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the built image: config and OCI manifest into the store (layers from elsewhere copied in,
 * verified), the {@code -t} tags, and the {@code --output} exports.
 */
final class Exporter {
    private Exporter() {}

    /** Stores the image of {@code result}; returns it read back from the store. */
    static Image store(BuildSession s, StageResult result) {
        Store store = s.store;
        ImageConfig cfg = result.config().withCreated(Optional.of(s.created()));
        Map<String, String> labels = s.request.options().labels();
        if (!labels.isEmpty()) {
            // --label: on the image only, never in a cache key (a step cannot see labels)
            cfg = cfg.withConfig(cfg.config().withLabels(labels));
        }
        byte[] config = cfg.toBytes();
        Descriptor cfgDesc = new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        List<Descriptor> layers = new ArrayList<>();
        for (Layer l : result.layers()) {
            Descriptor d = l.descriptor();
            // an OCI manifest lists OCI layer types; docker's are the same bytes under another name
            String mt = MediaType.layerCompression(d.mediaType())
                    .map(MediaType::ociLayer)
                    .orElse(d.mediaType());
            layers.add(new Descriptor(mt, d.digest(), d.size()));
        }
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, cfgDesc, layers, s.request.annotations());
        // a base layer still in its registry stays there unless an --output needs its bytes
        boolean leaveRemote = s.request.outputs().isEmpty();
        new StoreSink(store, s.fetcher, leaveRemote, md -> name(s, md))
                .write(Artifact.of(m, config, result.layers(), LayerOrigin.LOCAL));
        return keepRemote(s, store.image(m.descriptor()), result.layers());
    }

    /** The {@code -t} tags, or refs/builds/last for an untagged build. */
    private static void name(BuildSession s, Descriptor md) {
        for (String t : s.request.tags()) {
            Reference ref = Reference.parse(t);
            s.store.tag(ref.familiar(), ref.toString(), md);
        }
        if (s.request.tags().isEmpty()) {
            // untagged images stay reachable (for --output, inspection) until pruned by name
            s.store.setRef("builds", "last", md);
        }
    }

    /**
     * The stored image with each layer the store lacks read from where the build found it (a FROM
     * image's or an imported cache's repository), so that {@code --push} mounts it from there.
     */
    private static Image keepRemote(BuildSession s, Image stored, List<Layer> built) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < stored.layers().size(); i++) {
            Layer l = stored.layers().get(i);
            Layer b = built.get(i);
            layers.add(
                    !s.store.hasBlob(l.descriptor().digest()) && b.isRemote()
                            ? s.fetcher.remote(l.descriptor(), l.diffId(), b.origin())
                            : l);
        }
        return new StoredImage(stored.manifest(), stored.configBytes(), layers);
    }

    /** Writes every {@code --output}. */
    static void outputs(BuildSession s, Image image) {
        String tag = s.request.tags().isEmpty()
                ? "latest"
                : Reference.parse(s.request.tags().get(0)).tag().orElse("latest");
        String repoTag = s.request.tags().isEmpty()
                ? "strata-build:latest"
                : Reference.parse(s.request.tags().get(0)).familiar();
        for (OutputSpec o : s.request.outputs()) {
            try {
                if (o.type() == OutputSpec.Type.LOCAL) {
                    unpack(image, Files.createDirectories(o.dest()));
                } else if (o.type() == OutputSpec.Type.TAR) {
                    Path root = unpack(image, s.tempDir("output-"));
                    createParent(o.dest());
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(o.dest()))) {
                        // one plain tar of the final filesystem, as buildx's type=tar
                        LayerWriter.writeTree(root, new LayerOptions(Compression.NONE, Optional.empty(), 1), out);
                    }
                } else if (o.type() == OutputSpec.Type.OCI
                        && (Files.isDirectory(o.dest()) || o.dest().toString().endsWith("/"))) {
                    ImageExport.writeOciLayout(image, s.store, o.dest(), tag);
                } else {
                    createParent(o.dest());
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(o.dest()))) {
                        if (o.type() == OutputSpec.Type.OCI) {
                            ImageExport.writeOciArchive(image, s.store, out, tag);
                        } else {
                            ImageExport.writeDockerArchive(image, s.store, out, repoTag);
                        }
                    }
                }
            } catch (IOException e) {
                throw StrataException.environment("cannot write --output " + o.dest() + ": " + e.getMessage(), e);
            }
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** The image's final filesystem under {@code root}: every layer applied in order, whiteouts removing. */
    private static Path unpack(Image image, Path root) throws IOException {
        for (Layer l : image.layers()) {
            try (InputStream in = l.open()) {
                LayerExtractor.extract(
                        in, root, WhiteoutMode.APPLY, "layer " + l.descriptor().digest());
            }
        }
        return root;
    }

    /** The {@code --metadata-file} JSON: digests and every step's timing and cache result. */
    static byte[] metadata(BuildResult r, List<String> tags, Map<String, Long> requests) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode();
        n.put("containerimage.digest", r.manifest().digest().toString());
        n.put("containerimage.config.digest", r.configDigest().toString());
        // the keys buildx writes, so `jq '."containerimage.descriptor".digest'` in CI scripts works as-is
        ObjectNode desc = n.putObject("containerimage.descriptor");
        desc.put("mediaType", r.manifest().mediaType());
        desc.put("digest", r.manifest().digest().toString());
        desc.put("size", r.manifest().size());
        // buildx names the images fully (docker.io/library/app:latest), comma-separated
        n.put(
                "image.name",
                String.join(
                        ",",
                        tags.stream().map(t -> Reference.parse(t).toString()).toList()));
        n.put("strata.elapsed_seconds", r.elapsed().toMillis() / 1000.0);
        // every request to a registry (cache import and export, base images, push), retries included
        ObjectNode req = n.putObject("strata.requests");
        req.put("total", requests.values().stream().mapToLong(Long::longValue).sum());
        requests.forEach(req::put);
        ArrayNode steps = n.putArray("strata.steps");
        for (StepReport s : r.steps()) {
            ObjectNode o = steps.addObject();
            o.put("id", s.id());
            o.put("stage", s.stage());
            o.put("instruction", s.instruction());
            o.put("cached", s.cached());
            o.put("seconds", s.elapsed().toMillis() / 1000.0);
            s.missReason().ifPresent(m -> o.put("miss_reason", m));
            s.layerDigest().ifPresent(d -> o.put("layer", d));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
