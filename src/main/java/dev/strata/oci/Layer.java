package dev.strata.oci;

import java.io.IOException;
import java.io.InputStream;

/**
 * A layer of an image: its descriptor (compressed blob), its diffID (uncompressed tar digest), and a
 * way to read its bytes. Its bytes may live elsewhere (a registry, another store) and are fetched
 * only when {@link #open()} is called, which lets the cache reuse layers without downloading them.
 */
public interface Layer {
    Descriptor descriptor();

    Digest diffId();

    /** Opens the compressed blob; callers verify it against {@link #descriptor()}'s digest. */
    InputStream open() throws IOException;

    /** Where the bytes are when they are not here (see {@link LayerOrigin}). */
    default LayerOrigin origin() {
        return LayerOrigin.LOCAL;
    }

    /** True when the bytes stay in a registry until something opens them. */
    default boolean isRemote() {
        return origin() instanceof LayerOrigin.Registry;
    }
}
