package dev.strata.engine;

import dev.strata.cache.CacheSource;
import dev.strata.cache.ImportedCache;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.store.Skeletons;
import java.util.Optional;

/**
 * Where {@code --cache-to} finds a layer's skeleton: in the store (made when the layer was written or
 * unpacked, or fetched for a COPY), else in an imported cache that lists it, as a lazy blob (a
 * registry on the same host mounts it, another gets it downloaded once, like a cached layer).
 */
final class CacheSkeletons {
    private CacheSkeletons() {}

    /** The skeleton blob of the layer with {@code diffId} as a readable layer-like blob, if one is known. */
    static Optional<Layer> find(BuildSession s, Digest diffId) {
        Optional<Descriptor> local = new Skeletons(s.store).find(diffId);
        if (local.isPresent()) {
            return Optional.of(s.store.blobSource().layer(local.get(), diffId));
        }
        for (CacheSource src : s.cacheSources) {
            // a cache read with verify=full is trusted with nothing it cannot prove: a skeleton cannot be
            // checked without its layer, so the layer is fetched and its own skeleton made instead
            if (src instanceof ImportedCache c
                    && !c.spec().verifyHits()
                    && c.manifest().skeletons().containsKey(diffId)) {
                return Optional.of(s.cacheLayers.of(c, c.manifest().skeletons().get(diffId), diffId));
            }
        }
        return Optional.empty();
    }
}
