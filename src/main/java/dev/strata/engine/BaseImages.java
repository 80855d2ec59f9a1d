package dev.strata.engine;

import dev.strata.dockerfile.BaseImage;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.store.OciLayout;
import dev.strata.store.Store;
import dev.strata.store.StoredImages;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Finds the image a {@code FROM} (or {@code COPY --from=IMAGE}) names: an {@code oci-layout://DIR[:tag]},
 * the local store by reference, else its registry ({@link RegistryBase}); with {@code --pull} the
 * registry is asked even when the store has the tag. Each reference is resolved once per build.
 */
final class BaseImages {
    private final Store store;
    private final RegistryAccess registry;
    private final ConcurrentMap<String, Image> resolved = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> resolving = new ConcurrentHashMap<>();
    /** One download per blob per build, whichever stage or step asks first. */
    private final LayerFetcher fetcher;

    BaseImages(Store store, RegistryAccess registry, LayerFetcher fetcher) {
        this.store = store;
        this.registry = registry;
        this.fetcher = fetcher;
    }

    Image resolve(String reference, Platform platform, String where) {
        String key = reference + "\n" + platform;
        synchronized (resolving.computeIfAbsent(key, k -> new Object())) {
            Image have = resolved.get(key);
            if (have == null) {
                have = find(reference, platform, where);
                resolved.put(key, have);
            }
            return have;
        }
    }

    /** Resolves every image base of {@code graph} now, so a missing image or a refused login fails before any step runs. */
    void resolveAll(StageGraph graph) {
        for (StageNode n : graph.stages()) {
            if (n.stage().base() instanceof BaseImage bi) {
                resolve(
                        bi.reference(),
                        Platform.parse(n.stage().platform()),
                        n.stage().stage().from().node().position().toString());
            }
        }
    }

    private Image find(String reference, Platform platform, String where) {
        if (reference.startsWith("oci-layout://")) {
            try {
                return OciLayout.resolve(reference.substring("oci-layout://".length()), platform);
            } catch (StrataException e) {
                throw new StrataException(e.exitCode(), where + ": FROM " + reference + ": " + e.getMessage(), e);
            }
        }
        Reference ref;
        try {
            ref = Reference.parse(reference);
        } catch (StrataException e) {
            throw StrataException.input(where + ": FROM " + reference + ": " + e.getMessage());
        }
        Optional<Descriptor> local = StoredImages.find(store, ref);
        // an entry for another platform (the tag pulled for another --platform) does not count
        Optional<Image> here = local.flatMap(d -> forPlatform(d, platform));
        // a digest names one content forever: the store's copy is as new as the registry's
        boolean fresh = ref.digest().isPresent() || !registry.alwaysPull();
        if (here.isPresent() && fresh) {
            return LayerOrigins.complete(store, here.get(), fetcher);
        }
        try {
            return new RegistryBase(store, registry.client(), fetcher)
                    .resolve(ref, platform, here.isPresent() ? local : Optional.empty());
        } catch (StrataException e) {
            String hint = here.isPresent()
                    ? ""
                    : local.isPresent()
                            ? "; the local store has " + ref.familiar() + " only for another platform than " + platform
                            : "; or make it local first (`strata pull " + ref.familiar() + "`, `strata import`)";
            throw new StrataException(e.exitCode(), where + ": FROM " + reference + ": " + e.getMessage() + hint, e);
        }
    }

    /** The stored image of {@code d} for {@code platform}: from an index, or a manifest whose config says it. */
    private Optional<Image> forPlatform(Descriptor d, Platform platform) {
        if (MediaType.isIndex(d.mediaType())) {
            Index index = Index.parse(store.readBlob(d.digest()), d.mediaType());
            return index.manifests().stream()
                    .filter(m -> m.platform().map(p -> p.matches(platform)).orElse(false) && store.hasBlob(m.digest()))
                    .findFirst()
                    .map(store::image);
        }
        Image img = store.image(d);
        return img.config().platform().matches(platform) ? Optional.of(img) : Optional.empty();
    }
}
