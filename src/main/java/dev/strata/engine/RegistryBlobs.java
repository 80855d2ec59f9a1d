package dev.strata.engine;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LazyLayer;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The blobs of a registry repository, fetched into the store the first time one is opened (verified,
 * written atomically) and read from the store after that. Base layers are read through this: a build
 * whose steps all hit the cache never opens them, so it never downloads them; one that does needs
 * each blob once, however many steps or stages read it. An image pushed later finds them the same way.
 */
final class RegistryBlobs implements BlobSource {
    private final Store store;
    private final RegistryClient client;
    private final List<Reference> repositories;
    private final ConcurrentMap<Digest, Object> fetching;

    /**
     * @param repositories where the blobs may be, tried in order (the first that serves one wins)
     * @param fetching     shared by every source of one build, so two stages fetch a blob once
     */
    RegistryBlobs(
            Store store, RegistryClient client, List<Reference> repositories, ConcurrentMap<Digest, Object> fetching) {
        if (repositories.isEmpty()) {
            throw new IllegalArgumentException("no repository to fetch from");
        }
        this.store = store;
        this.client = client;
        this.repositories = List.copyOf(repositories);
        this.fetching = fetching;
    }

    RegistryBlobs(Store store, RegistryClient client, Reference repository) {
        this(store, client, List.of(repository), new ConcurrentHashMap<>());
    }

    /** Where the blobs may be, in the order they are tried: the candidates for a registry-side mount. */
    List<Reference> repositories() {
        return repositories;
    }

    /** True for a layer that stays in its registry until a step or an export needs its bytes. */
    static boolean isRemote(Layer layer) {
        return layer instanceof LazyLayer l && l.source() instanceof RegistryBlobs;
    }

    /** The repositories a {@link #isRemote remote} layer may be read (or mounted) from; none for another layer. */
    static List<Reference> repositoriesOf(Layer layer) {
        return layer instanceof LazyLayer l && l.source() instanceof RegistryBlobs b ? b.repositories() : List.of();
    }

    @Override
    public InputStream open(Descriptor d) throws IOException {
        fetch(d);
        return store.openBlob(d.digest());
    }

    /** Makes sure the store holds {@code d}, downloading it if not. */
    void fetch(Descriptor d) {
        synchronized (fetching.computeIfAbsent(d.digest(), k -> new Object())) {
            if (store.hasBlob(d.digest())) {
                return;
            }
            StrataException first = null;
            for (Reference r : repositories) {
                try {
                    fetchFrom(r, d);
                    return;
                } catch (StrataException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        }
    }

    private void fetchFrom(Reference repository, Descriptor d) {
        // putBlob hashes what it writes and renames only a verified blob, so the stream need not hash too
        try (InputStream in = client.openBlobForVerifyingSink(repository, d)) {
            store.putBlob(d.mediaType(), in, Optional.of(d.digest()));
        } catch (IOException e) {
            throw StrataException.registry(
                    "cannot fetch layer " + d.digest() + " of " + repository.name() + " from " + repository.registry()
                            + ": " + e.getMessage(),
                    e);
        } catch (StrataException e) {
            if (e.exitCode() != ExitCode.INPUT) {
                throw e;
            }
            // the store found the bytes do not match the digest: the registry sent them
            throw StrataException.registry(
                    "cannot fetch layer " + d.digest() + " of " + repository.name() + " from " + repository.registry()
                            + ": " + e.getMessage(),
                    e);
        }
    }
}
