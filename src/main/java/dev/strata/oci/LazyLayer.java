package dev.strata.oci;

import java.io.IOException;
import java.io.InputStream;

/** A layer known by descriptor and diffID, read from its source only on {@link #open()}. */
public record LazyLayer(Descriptor descriptor, Digest diffId, BlobSource source) implements Layer {
    @Override
    public InputStream open() throws IOException {
        return source.open(descriptor);
    }
}
