package dev.strata.engine;

import dev.strata.cache.DirCache;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.LazyLayer;
import dev.strata.oci.Reference;
import dev.strata.progress.Transfer;
import dev.strata.progress.TransferMeter;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one way a blob gets into the store from elsewhere: from its {@link LayerOrigin} (each registry
 * repository in turn, a cache directory, or the layer's own bytes), verified by the store against its
 * digest and renamed into place only then, and once per digest however many steps, stages or outputs
 * ask at the same time. Builds, {@code pull}, {@code push} and {@code save} all fetch through one.
 */
public final class LayerFetcher {
    private final Store store;
    private final RegistryClient client;
    private final TransferMeter meter;
    private final ConcurrentMap<Digest, Object> fetching = new ConcurrentHashMap<>();

    public LayerFetcher(Store store, RegistryClient client) {
        this(store, client, TransferMeter.none());
    }

    /** Counts each download's bytes into {@code meter} (the progress view's per-layer bars). */
    public LayerFetcher(Store store, RegistryClient client, TransferMeter meter) {
        this.store = store;
        this.client = client;
        this.meter = meter;
    }

    /**
     * A layer whose bytes stay at {@code origin} until opened; opening fetches it into the store and
     * reads it from there. A build whose steps all hit the cache never opens its base layers.
     */
    public Layer remote(Descriptor d, Digest diffId, LayerOrigin origin) {
        return new LazyLayer(
                d,
                diffId,
                desc -> {
                    fetch(desc, origin, Optional.empty());
                    return store.openBlob(desc.digest());
                },
                origin);
    }

    /** Makes sure the store holds {@code layer}'s blob, reading it from its origin if not. */
    public void fetch(Layer layer) {
        fetch(layer.descriptor(), layer.origin(), Optional.of(layer));
    }

    /**
     * {@link #fetch(Layer)} for each of {@code layers}, in parallel with the client's bound, largest
     * first: the biggest layer bounds the wall time, so it must not start last.
     */
    public void fetchAll(List<Layer> layers) {
        List<Layer> bySize = new ArrayList<>(layers);
        bySize.sort(Comparator.comparingLong((Layer l) -> l.descriptor().size()).reversed());
        client.inParallel(bySize, this::fetch);
    }

    /** Makes sure the store holds {@code d}, reading it from {@code origin} if not. */
    public void fetch(Descriptor d, LayerOrigin origin) {
        fetch(d, origin, Optional.empty());
    }

    private void fetch(Descriptor d, LayerOrigin origin, Optional<Layer> self) {
        synchronized (fetching.computeIfAbsent(d.digest(), k -> new Object())) {
            if (store.hasBlob(d.digest())) {
                return;
            }
            if (origin instanceof LayerOrigin.Registry r) {
                fromRegistry(d, r);
            } else if (origin instanceof LayerOrigin.Directory dir) {
                copy(
                        d,
                        () -> Metered.stream(
                                DirCache.blobs(dir.layout()).open(d),
                                meter.start(Transfer.PULL, d.digest().toString(), d.size())),
                        dir.layout().toString());
            } else {
                Layer layer = self.orElseThrow(() -> StrataException.environment(
                        "blob " + d.digest() + " is not in the store and has no origin to fetch it from"));
                copy(d, layer::open, "its source");
            }
        }
    }

    private void fromRegistry(Descriptor d, LayerOrigin.Registry origin) {
        StrataException first = null;
        for (Reference repository : origin.repositories()) {
            TransferMeter.Counter counter =
                    meter.start(Transfer.PULL, d.digest().toString(), d.size());
            try {
                // network buffers go straight into the store's temp file, which hashes and verifies them
                store.putBlob(
                        d.mediaType(),
                        d.digest(),
                        out -> client.fetchBlob(repository, d, Metered.channel(out, counter)));
                return;
            } catch (StrataException e) {
                StrataException named = e.exitCode() != ExitCode.INPUT
                        ? e
                        // the store found the bytes do not match the digest: the registry sent them, so exit 3
                        : StrataException.registry(
                                "cannot fetch layer " + d.digest() + " of " + repository.name() + " from "
                                        + repository.registry() + ": " + e.getMessage(),
                                e);
                first = first == null ? named : first;
            } finally {
                counter.end();
            }
        }
        throw first;
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private void copy(Descriptor d, Opener opener, String where) {
        try (InputStream in = opener.open()) {
            store.putBlob(d.mediaType(), in, Optional.of(d.digest()));
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot copy blob " + d.digest() + " from " + where + " into the store: " + e.getMessage(), e);
        }
    }
}
