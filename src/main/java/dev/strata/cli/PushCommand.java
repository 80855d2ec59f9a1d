package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata push REF [DEST]}: an image of the local store to a registry. Blobs the registry has
 * are only HEADed; blobs a sibling repository holds (known from other tags' origins) are mounted.
 */
@Command(name = "push", mixinStandardHelpOptions = true, description = "Push an image from the local store to a registry.")
public final class PushCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Parameters(index = "0", paramLabel = "REF", description = "The image in the local store (and where to push it).")
    String reference;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DEST", description = "Push to this reference instead.")
    Optional<String> destination = Optional.empty();

    @Override
    public void run() {
        Reference ref = Reference.parse(reference);
        Reference dest = destination.map(Reference::parse).orElse(ref);
        Store store = Store.open(StoreHome.resolve());
        Optional<Descriptor> tagged = store.resolve(StoreNames.of(ref)).or(() -> store.tags().stream()
                .filter(t -> ref.toString().equals(t.annotations().get(Store.FULL_REF))).findFirst());
        Descriptor d = tagged.orElseThrow(() -> StrataException.input("no image " + ref.familiar()
                + " in the local store " + store.root() + "; build it with `strata build -t " + ref.familiar()
                + "` or pull it first (see `strata images`)"));
        Image image = store.image(d);
        RegistryClient client = RegistryClient.create(flags.options());
        client.push(image, dest, siblings(store, image, dest));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Pushed %s (%s)%n", dest.familiar(), image.manifest().digest());
        out.flush();
    }

    /** Other repositories of the same registry that this store's tags came from and that share a blob. */
    private static List<Reference> siblings(Store store, Image image, Reference dest) {
        Set<Digest> mine = new HashSet<>();
        image.layers().forEach(l -> mine.add(l.descriptor().digest()));
        List<Reference> out = new ArrayList<>();
        for (Descriptor t : store.tags()) {
            String full = t.annotations().get(Store.FULL_REF);
            if (full == null || !MediaType.isManifest(t.mediaType()) || !store.hasBlob(t.digest())) {
                continue;
            }
            Reference r;
            try {
                r = Reference.parse(full);
            } catch (StrataException notAReference) {
                continue;
            }
            if (!r.registry().equals(dest.registry()) || r.repository().equals(dest.repository())) {
                continue;
            }
            Manifest m = Manifest.parse(store.readBlob(t.digest()), t.mediaType());
            if (m.layers().stream().anyMatch(l -> mine.contains(l.digest())) && !out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
