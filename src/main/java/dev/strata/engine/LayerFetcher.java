package dev.strata.engine;

import dev.strata.archive.LayerSkeleton;
import dev.strata.cache.DirCache;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.LazyLayer;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.progress.Transfer;
import dev.strata.progress.TransferMeter;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Skeletons;
import dev.strata.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
    /**
     * Layers named by a cache record, with the diffID the record claims: the record's writer is trusted
     * with the claim only until the bytes are here, then it is checked (once per digest).
     */
    private final ConcurrentMap<Digest, Set<Digest>> claims = new ConcurrentHashMap<>();
    /** The diffID each claimed layer really has, found by unpacking it once. */
    private final ConcurrentMap<Digest, Digest> actual = new ConcurrentHashMap<>();

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
                    fetch(desc, origin, Optional.empty(), Optional.of(diffId));
                    return store.openBlob(desc.digest());
                },
                origin);
    }

    /**
     * {@link #remote} for the layer of a cache record: whenever its bytes are fetched (a step unpacks
     * it, an --output or a verifying cache needs them) they must unpack to {@code diffId}, else the
     * fetch fails naming the layer and where it came from. A layer already in the store is checked on
     * its first fetch too.
     */
    public Layer claimed(Descriptor d, Digest diffId, LayerOrigin origin) {
        if (MediaType.isLayer(d.mediaType()) && !diffId.equals(d.digest())) {
            claims.computeIfAbsent(d.digest(), k -> ConcurrentHashMap.newKeySet())
                    .add(diffId);
        }
        return remote(d, diffId, origin);
    }

    /** Makes sure the store holds {@code layer}'s blob, reading it from its origin if not. */
    public void fetch(Layer layer) {
        fetch(layer.descriptor(), layer.origin(), Optional.of(layer), Optional.of(layer.diffId()));
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
        fetch(d, origin, Optional.empty(), Optional.empty());
    }

    private void fetch(Descriptor d, LayerOrigin origin, Optional<Layer> self, Optional<Digest> diffId) {
        synchronized (fetching.computeIfAbsent(d.digest(), k -> new Object())) {
            if (!store.hasBlob(d.digest())) {
                download(d, origin, self);
            }
            // only a claim made through claimed() is checked: other callers' diffIDs come from an image
            // config that names the layer, and unpacking checks those
            if (diffId.isPresent() && claims.getOrDefault(d.digest(), Set.of()).contains(diffId.get())) {
                checkClaim(d, diffId.get(), origin);
            }
        }
    }

    /**
     * Unpacks the stored blob once to hash its tar (its skeleton is made on the way and kept, so a
     * lying skeleton from the cache is replaced by the true one).
     */
    private void checkClaim(Descriptor d, Digest claim, LayerOrigin origin) {
        Digest real = actual.computeIfAbsent(d.digest(), k -> unpack(d));
        if (!real.equals(claim)) {
            String msg = "layer " + d.digest() + " from " + where(origin) + " unpacks to diffID " + real + ", not "
                    + claim + " as the cache record naming it says: that cache is damaged or poisoned (whoever can"
                    + " push to it chooses what its hits contain); nothing was built from it. Build without that"
                    + " --cache-from, or with ,verify=full to turn its bad records into misses, and rebuild the cache"
                    + " from a trusted build";
            throw origin instanceof LayerOrigin.Registry ? StrataException.registry(msg) : StrataException.input(msg);
        }
    }

    /** The layer's real diffID; its true skeleton is kept on the way, replacing one a cache may have lied in. */
    private Digest unpack(Descriptor d) {
        ByteArrayOutputStream skeleton = new ByteArrayOutputStream();
        Digest real;
        try (InputStream in = store.openBlob(d.digest())) {
            real = LayerSkeleton.of(in, skeleton, d.digest().toString());
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot read layer " + d.digest() + " in the store: " + e.getMessage(), e);
        }
        new Skeletons(store).put(real, skeleton.toByteArray());
        return real;
    }

    private static String where(LayerOrigin origin) {
        if (origin instanceof LayerOrigin.Registry r && !r.repositories().isEmpty()) {
            return r.repositories().get(0).toString();
        }
        if (origin instanceof LayerOrigin.Directory dir) {
            return dir.layout().toString();
        }
        return "the store";
    }

    private void download(Descriptor d, LayerOrigin origin, Optional<Layer> self) {
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
