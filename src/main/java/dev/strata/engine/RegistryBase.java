package dev.strata.engine;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.registry.RawManifest;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code FROM} image from its registry. The manifest (the build platform's, from an index) and the
 * config are fetched now and stored under the reference's tag, like a pull; the layers are not: they
 * {@link LayerFetcher#remote remote} layers, downloaded into the store only when a step opens them.
 */
final class RegistryBase {
    private final Store store;
    private final RegistryClient client;
    private final LayerFetcher fetcher;

    RegistryBase(Store store, RegistryClient client, LayerFetcher fetcher) {
        this.store = store;
        this.client = client;
        this.fetcher = fetcher;
    }

    /**
     * The image {@code ref} names in its registry for {@code platform}. {@code local} is the store's
     * entry for it (with {@code --pull}): when the registry still has that digest nothing else is read.
     */
    Image resolve(Reference ref, Platform platform, Optional<Descriptor> local) {
        if (local.isPresent()) {
            Optional<Descriptor> remote = client.head(ref);
            if (remote.isEmpty()) {
                throw StrataException.registry(
                        ref + " was not found on " + ref.registry() + " (404); check the repository name and tag");
            }
            if (remote.get().digest().equals(local.get().digest())
                    && !MediaType.isIndex(remote.get().mediaType())) {
                return image(ref, store.image(local.get()).manifest());
            }
        }
        RawManifest top = client.manifest(ref);
        Descriptor chosen = top.descriptor();
        if (top.isIndex()) {
            chosen = top.asIndex().select(platform, ref.toString());
        }
        if (!store.hasBlob(chosen.digest())) {
            RawManifest raw = top.isIndex() ? client.manifest(ref.withDigest(chosen.digest())) : top;
            store.putBlob(raw.mediaType(), new ByteArrayInputStream(raw.bytes()), Optional.of(raw.digest()));
            chosen = raw.descriptor();
        }
        Manifest m;
        try {
            m = Manifest.parse(store.readBlob(chosen.digest()), chosen.mediaType());
        } catch (StrataException e) {
            throw StrataException.registry(
                    "cannot read the manifest of " + ref + " from " + ref.registry() + ": " + e.getMessage(), e);
        }
        return image(ref, m);
    }

    /** Stores the config if missing, tags the manifest as a pull would, and returns the image with lazy layers. */
    private Image image(Reference ref, Manifest m) {
        LayerOrigin origin = new LayerOrigin.Registry(List.of(ref));
        fetcher.fetch(m.config(), origin);
        byte[] cfg = store.readBlob(m.config().digest());
        ImageConfig config = ImageConfig.parse(cfg);
        if (config.diffIds().size() != m.layers().size()) {
            throw StrataException.registry(ref + " has " + m.layers().size() + " layers but its config lists "
                    + config.diffIds().size() + " diff_ids; the image is malformed");
        }
        // the tag keeps manifest and config from being pruned and names where the layers are
        Reference named = ref.asTagged();
        store.tagPulled(named.familiar(), named.toString(), m.descriptor());
        // its repository keeps what the manifest lists: a push mounts from it without asking first
        List<Digest> held = new ArrayList<>(List.of(m.config().digest()));
        m.layers().forEach(l -> held.add(l.digest()));
        client.knownIn(ref, held);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            layers.add(fetcher.remote(m.layers().get(i), config.diffIds().get(i), origin));
        }
        return new StoredImage(m, cfg, layers);
    }
}
