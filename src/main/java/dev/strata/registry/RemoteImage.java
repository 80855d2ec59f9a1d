package dev.strata.registry;

import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.Reference;
import java.util.List;
import java.util.Optional;

/**
 * An image in a registry: manifest and config fetched (and verified) up front, layer blobs fetched
 * only when a layer is opened, verified against their digest while streaming.
 */
public final class RemoteImage implements Image {
    private final Reference reference;
    private final Manifest manifest;
    private final byte[] configBytes;
    private final List<Layer> layers;
    private final Optional<Index> index;

    RemoteImage(Reference reference, Manifest manifest, byte[] configBytes, List<Layer> layers, Optional<Index> index) {
        this.reference = reference;
        this.manifest = manifest;
        this.configBytes = configBytes.clone();
        this.layers = List.copyOf(layers);
        this.index = index;
    }

    /** Where the image was read from, pinned to its manifest's digest (the tag kept for display). */
    public Reference reference() {
        return reference;
    }

    /** The index the manifest was selected from, when the reference named an index. */
    public Optional<Index> index() {
        return index;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public byte[] configBytes() {
        return configBytes.clone();
    }

    @Override
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public String toString() {
        return "RemoteImage[" + reference + "]";
    }
}
