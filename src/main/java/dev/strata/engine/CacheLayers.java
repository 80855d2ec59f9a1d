package dev.strata.engine;

import dev.strata.cache.CacheSource;
import dev.strata.cache.DirCache;
import dev.strata.cache.ImportedCache;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LazyLayer;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The layer of a cache hit. From the store when it has the blob; from an imported registry cache a
 * lazy layer over the cache's repository (downloaded only when a step unpacks it or an export needs
 * its bytes; {@code --push} mounts it instead); from a cache directory a layer copied into the store
 * (verified) when first opened.
 */
final class CacheLayers {
    private final Store store;
    private final RegistryClient client;
    /** One download per blob, however many steps or stages open it first. */
    private final ConcurrentMap<Digest, Object> fetching = new ConcurrentHashMap<>();

    CacheLayers(Store store, RegistryClient client) {
        this.store = store;
        this.client = client;
    }

    Layer of(CacheSource source, Descriptor d, Digest diffId) {
        if (store.hasBlob(d.digest()) || !(source instanceof ImportedCache imported)) {
            return store.blobSource().layer(d, diffId);
        }
        if (imported.repository().isPresent()) {
            return new LazyLayer(
                    d,
                    diffId,
                    new RegistryBlobs(
                            store, client, List.of(imported.repository().get()), fetching));
        }
        BlobSource dir = DirCache.blobs(imported.directory().orElseThrow());
        return new LazyLayer(d, diffId, desc -> {
            synchronized (fetching.computeIfAbsent(desc.digest(), k -> new Object())) {
                if (!store.hasBlob(desc.digest())) {
                    try (InputStream in = dir.open(desc)) {
                        store.putBlob(desc.mediaType(), in, Optional.of(desc.digest()));
                    }
                }
            }
            return store.openBlob(desc.digest());
        });
    }
}
