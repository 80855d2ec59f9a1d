package dev.strata.oci;

import java.io.IOException;
import java.io.InputStream;

/**
 * A layer known by descriptor and diffID, read from its source only on {@link #open()}; its
 * {@link #origin()} says where the bytes are (a registry, a cache directory) when that is not here.
 */
public record LazyLayer(Descriptor descriptor, Digest diffId, BlobSource source, LayerOrigin origin) implements Layer {
    public LazyLayer(Descriptor descriptor, Digest diffId, BlobSource source) {
        this(descriptor, diffId, source, LayerOrigin.LOCAL);
    }

    @Override
    public InputStream open() throws IOException {
        return source.open(descriptor);
    }
}
