package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import dev.strata.store.StoredImages;

/** How the CLI names images in the store: the familiar name:tag as the tag, the full reference beside it. */
final class StoreRefs {
    private StoreRefs() {}

    /** Parses a NAME[:TAG] given to -t; the tag defaults to latest. */
    static Reference tagged(String text) {
        Reference r = Reference.parse(text);
        if (r.digest().isPresent()) {
            throw StrataException.input("'" + text + "' names a digest; give a NAME:TAG to tag the image with");
        }
        return r.tag().isPresent() ? r : r.withTag("latest");
    }

    /** The store tag of an image reference given on the command line: its exact tag name, else as FROM finds it. */
    static Descriptor find(Store store, String text) {
        return store.resolve(text)
                .or(() -> StoredImages.find(store, Reference.parse(text)))
                .orElseThrow(() -> StrataException.input("no image '" + text + "' in the store " + store.root()
                        + "; see `strata images`, or build, pull or import it first"));
    }
}
