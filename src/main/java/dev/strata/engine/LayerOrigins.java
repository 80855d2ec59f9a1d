package dev.strata.engine;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the layers of a stored image live when the store does not hold them. A build {@code FROM} a
 * registry image stores its manifest and config under the reference's tag, but its layers only once
 * a step needs them; until then the tag's registry repository is their origin. Likewise the layers of
 * cache hits from a registry cache ({@code --cache-from}) stay in the cache's repository. Pushing such
 * an image mounts the layers from that repository (same registry) or fetches them then.
 */
public final class LayerOrigins {
    /** refs/cache-origins/HEX(reference): the manifest of a registry cache a build read. */
    private static final String CACHE_ORIGINS = "cache-origins";

    private static final int MAX_REF_NAME = 250;

    private LayerOrigins() {}

    /**
     * The registry repositories of the store's tags whose manifests list a layer of {@code image},
     * bases first: the candidates for fetching a missing layer or mounting it on push.
     */
    public static List<Reference> of(Store store, Image image) {
        Set<Reference> out = new LinkedHashSet<>();
        byLayer(store, image).values().forEach(out::addAll);
        // layers still lazy in a build's image (e.g. hits of a registry cache) name their repositories themselves
        image.layers().forEach(l -> out.addAll(l.origin().repositories()));
        return List.copyOf(out);
    }

    /**
     * Remembers that the registry cache {@code ref} holds the layers its {@code manifest} lists (the
     * manifest is stored, a ref names it), so that a later {@code strata push} of an image built from
     * its hits mounts or fetches them from there, as for a FROM image's tag.
     */
    static void rememberCache(Store store, Reference ref, byte[] manifest) {
        String name = HexFormat.of().formatHex(ref.toString().getBytes(StandardCharsets.UTF_8));
        if (name.length() > MAX_REF_NAME) {
            // longer than a file name may be: only the build that read the cache knows where its layers are
            return;
        }
        store.setRef(CACHE_ORIGINS, name, store.putBlob(MediaType.OCI_MANIFEST, manifest));
    }

    /**
     * {@code image} with each layer the store lacks read from an origin (fetched into the store,
     * verified, the first time it is opened). Layers without an origin stay as they are: opening them
     * fails with the store's "missing blob" error.
     */
    public static Image complete(Store store, Image image, LayerFetcher fetcher) {
        if (image.layers().stream().allMatch(l -> store.hasBlob(l.descriptor().digest()))) {
            return image;
        }
        Map<Digest, List<Reference>> origins = byLayer(store, image);
        List<Layer> layers = new ArrayList<>();
        for (Layer l : image.layers()) {
            List<Reference> from = origins.getOrDefault(l.descriptor().digest(), List.of());
            if (store.hasBlob(l.descriptor().digest()) || from.isEmpty()) {
                layers.add(l);
            } else {
                layers.add(fetcher.remote(l.descriptor(), l.diffId(), new LayerOrigin.Registry(from)));
            }
        }
        return new StoredImage(image.manifest(), image.configBytes(), layers);
    }

    /**
     * Layer digest → the registry references of store tags listing it. Only pulled tags count; a base has
     * fewer layers than an image built on it and pulled later, so tags with fewer layers are tried first. The
     * registry caches that builds read count too.
     */
    private static Map<Digest, List<Reference>> byLayer(Store store, Image image) {
        Map<Digest, List<Reference>> out = new LinkedHashMap<>();
        image.layers().forEach(l -> out.put(l.descriptor().digest(), new ArrayList<>()));
        List<Map.Entry<Reference, Manifest>> tagged = new ArrayList<>();
        for (Descriptor t : store.tags()) {
            String full = t.annotations().get(Store.FULL_REF);
            // only pulled tags: an imported or built image's reference names no repository holding its layers
            if (full == null
                    || !"registry".equals(t.annotations().get(Store.ORIGIN))
                    || !MediaType.isManifest(t.mediaType())
                    || !store.hasBlob(t.digest())) {
                continue;
            }
            Reference ref;
            try {
                ref = Reference.parse(full);
            } catch (StrataException notAReference) {
                continue;
            }
            tagged.add(Map.entry(ref, Manifest.parse(store.readBlob(t.digest()), t.mediaType())));
        }
        for (String name : store.refNames(CACHE_ORIGINS)) {
            Optional<Descriptor> d = store.ref(CACHE_ORIGINS, name).filter(r -> store.hasBlob(r.digest()));
            if (d.isPresent()) {
                Reference ref = Reference.parse(new String(HexFormat.of().parseHex(name), StandardCharsets.UTF_8));
                tagged.add(Map.entry(
                        ref,
                        Manifest.parse(store.readBlob(d.get().digest()), d.get().mediaType())));
            }
        }
        tagged.sort(Comparator.comparingInt(e -> e.getValue().layers().size()));
        for (Map.Entry<Reference, Manifest> e : tagged) {
            for (Descriptor l : e.getValue().layers()) {
                List<Reference> refs = out.get(l.digest());
                if (refs != null && !refs.contains(e.getKey())) {
                    refs.add(e.getKey());
                }
            }
        }
        out.values().removeIf(List::isEmpty);
        return out;
    }
}
