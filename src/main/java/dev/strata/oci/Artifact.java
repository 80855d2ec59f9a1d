package dev.strata.oci;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a sink receives: a manifest (an image's or a cache's) and every blob it names, the config
 * among them, each once. The blobs are layers so that each carries its {@link LayerOrigin}.
 */
public record Artifact(Manifest manifest, List<Layer> blobs) {
    public Artifact {
        blobs = List.copyOf(blobs);
    }

    /** An image: its config (from memory) first, then its layers, each digest once. */
    public static Artifact of(Image image) {
        return of(image, LayerOrigin.LOCAL);
    }

    /** Like {@link #of(Image)}, for an image whose config is also held where {@code configOrigin} says. */
    public static Artifact of(Image image, LayerOrigin configOrigin) {
        return of(image.manifest(), image.configBytes(), image.layers(), configOrigin);
    }

    /** A manifest with its config's bytes and the layers it lists (in their order), each digest once. */
    public static Artifact of(Manifest manifest, byte[] config, List<Layer> layers, LayerOrigin configOrigin) {
        Descriptor cfg = manifest.config();
        byte[] bytes = config.clone();
        List<Layer> blobs = new ArrayList<>();
        blobs.add(new LazyLayer(cfg, cfg.digest(), d -> new ByteArrayInputStream(bytes), configOrigin));
        Set<Digest> seen = new HashSet<>(List.of(cfg.digest()));
        // an image may list the same layer twice (or a layer equal to its config): one transfer per digest
        layers.stream().filter(l -> seen.add(l.descriptor().digest())).forEach(blobs::add);
        return new Artifact(manifest, blobs);
    }

    /** The manifest's descriptor: its media type, digest and size. */
    public Descriptor descriptor() {
        return manifest.descriptor();
    }

    /** True for the blob that is the manifest's config (sinks such as a docker-archive treat it apart). */
    public boolean isConfig(Layer blob) {
        return blob.descriptor().digest().equals(manifest.config().digest());
    }
}
