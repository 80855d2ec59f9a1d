package dev.strata.cli;

import dev.strata.oci.Reference;
import java.util.Optional;

/** The short name:tag a reference is tagged as in the local store (what `strata images` shows). */
final class StoreNames {
    private StoreNames() {}

    static String of(Reference ref) {
        if (ref.tag().isPresent()) {
            return new Reference(ref.registry(), ref.repository(), ref.tag(), Optional.empty()).familiar();
        }
        return ref.familiar();
    }
}
