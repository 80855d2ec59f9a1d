package dev.strata.oci;

import java.io.IOException;
import java.io.InputStream;

/** Somewhere blobs can be read from by descriptor: the local store, a registry repository. */
@FunctionalInterface
public interface BlobSource {
    InputStream open(Descriptor descriptor) throws IOException;

    /** A layer whose bytes stay in this source until read. */
    default Layer layer(Descriptor descriptor, Digest diffId) {
        return new LazyLayer(descriptor, diffId, this);
    }
}
