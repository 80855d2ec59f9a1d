package dev.strata.engine;

import dev.strata.cache.CacheSource;
import dev.strata.cache.ImportedCache;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.store.Store;

/**
 * The layer of a cache hit: from the store when it has the blob, else a remote layer at the imported
 * cache's origin (its registry repository or directory), fetched only when a step unpacks it or an
 * export needs its bytes; {@code --push} mounts a registry one instead. The diffID an imported record
 * claims is checked whenever the layer is fetched ({@link LayerFetcher#claimed}).
 */
final class CacheLayers {
    private final Store store;
    private final LayerFetcher fetcher;

    CacheLayers(Store store, LayerFetcher fetcher) {
        this.store = store;
        this.fetcher = fetcher;
    }

    Layer of(CacheSource source, Descriptor d, Digest diffId) {
        if (store.hasBlob(d.digest()) || !(source instanceof ImportedCache imported)) {
            return store.blobSource().layer(d, diffId);
        }
        // an imported record's diffID is only a claim of the cache's writer: checked when the bytes come
        return fetcher.claimed(d, diffId, imported.origin());
    }
}
