package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import java.util.List;
import java.util.Optional;

/**
 * Which tag of the store an image reference names, one rule for every command and for FROM: by
 * digest (a tag of that manifest), else by the full reference it was pulled, built or pushed as, else
 * by its short name:tag (what `strata images` shows).
 */
public final class StoredImages {
    private StoredImages() {}

    public static Optional<Descriptor> find(Store store, Reference ref) {
        List<Descriptor> tags = store.tags();
        if (ref.digest().isPresent()) {
            return tags.stream()
                    .filter(t -> t.digest().equals(ref.digest().get()))
                    .findFirst();
        }
        String full = ref.toString();
        String familiar = ref.asTagged().familiar();
        return tags.stream()
                .filter(t -> full.equals(t.annotations().get(Store.FULL_REF)))
                .findFirst()
                .or(() -> tags.stream()
                        .filter(t -> familiar.equals(t.annotations().get(Store.REF_NAME)))
                        .findFirst());
    }
}
