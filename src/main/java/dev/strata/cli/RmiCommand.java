package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import dev.strata.store.StoredImages;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code strata rmi REF...}: removes tags from the store. Blobs stay until `strata prune`, which keeps
 * what other tags and cache records still reach (a layer is often shared).
 */
@Command(
        name = "rmi",
        mixinStandardHelpOptions = true,
        description = {
            "Remove images (their tags) from the local store; NAME@DIGEST removes every tag of that image.",
            "Run `strata prune` afterwards to free the blobs nothing else uses."
        })
public final class RmiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "REF", description = "images, as tagged in the store")
    List<String> refs;

    @Override
    public void run() {
        Store store = Store.open(StoreHome.resolve());
        PrintWriter out = spec.commandLine().getOut();
        List<String> missing = new ArrayList<>();
        for (String ref : refs) {
            List<String> names = namesOf(store, ref);
            if (names.isEmpty()) {
                missing.add(ref);
            }
            for (String name : names) {
                if (store.untag(name)) {
                    out.println("Untagged: " + name);
                }
            }
        }
        out.flush();
        if (!missing.isEmpty()) {
            throw StrataException.input("no image " + String.join(", ", missing) + " in the store " + store.root()
                    + "; see `strata images`");
        }
    }

    /** The tags a reference removes: all of a digest's, else the one it names. */
    private static List<String> namesOf(Store store, String ref) {
        if (store.resolve(ref).isPresent()) {
            return List.of(ref);
        }
        Reference r;
        try {
            r = Reference.parse(ref);
        } catch (StrataException e) {
            return List.of();
        }
        if (r.digest().isPresent()) {
            return store.tags().stream()
                    .filter(t -> t.digest().equals(r.digest().get()))
                    .map(t -> t.annotations().get(Store.REF_NAME))
                    .toList();
        }
        return StoredImages.find(store, r)
                .map(Descriptor::annotations)
                .map(a -> List.of(a.get(Store.REF_NAME)))
                .orElse(List.of());
    }
}
