package dev.strata.build;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import java.util.Optional;

/**
 * Finds the image a {@code FROM} names: in the local store by normalised reference (a multi-platform
 * index resolves to the build's platform), in an {@code oci-layout://DIR[:tag]}, or (later) a registry.
 */
final class BaseImages {
    private final Store store;

    BaseImages(Store store) {
        this.store = store;
    }

    Image resolve(String reference, Platform platform, String where) {
        if (reference.startsWith("oci-layout://")) {
            return OciLayoutBase.image(reference.substring("oci-layout://".length()), platform, where);
        }
        Reference ref;
        try {
            ref = Reference.parse(reference);
        } catch (StrataException e) {
            throw StrataException.input(where + ": FROM " + reference + ": " + e.getMessage());
        }
        Optional<Descriptor> local = lookup(store, ref);
        if (local.isPresent()) {
            return imageFor(local.get(), platform, reference);
        }
        throw new StrataException(dev.strata.error.ExitCode.REGISTRY, where + ": " + ref.familiar()
                + " is neither a stage of this Dockerfile nor an image in the local store (" + store.root() + ") and this build does not pull from registries;"
                + " run `strata pull " + ref.familiar() + "` or `strata import` it first");
    }

    /** The store entry for a reference: by its full reference, else by its short name:tag. */
    static Optional<Descriptor> lookup(Store store, Reference ref) {
        String full = ref.toString();
        String familiar = ref.familiar();
        Optional<Descriptor> byFull = store.tags().stream()
                .filter(d -> full.equals(d.annotations().get(Store.FULL_REF))).findFirst();
        return byFull.isPresent() ? byFull : store.resolve(familiar);
    }

    private Image imageFor(Descriptor d, Platform platform, String reference) {
        if (MediaType.isIndex(d.mediaType())) {
            Index index = Index.parse(store.readBlob(d.digest()), d.mediaType());
            for (Descriptor m : index.manifests()) {
                if (m.platform().map(p -> p.matches(platform)).orElse(false)) {
                    return store.image(m);
                }
            }
            throw StrataException.input("image " + reference + " in the local store has no manifest for "
                    + platform + "; build with --platform set to one it has");
        }
        return store.image(d);
    }
}
