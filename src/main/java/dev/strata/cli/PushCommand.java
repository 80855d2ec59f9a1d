package dev.strata.cli;

import dev.strata.engine.LayerFetcher;
import dev.strata.engine.LayerOrigins;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import dev.strata.store.StoredImages;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata push REF [DEST]}: an image of the local store to a registry. Blobs the registry has
 * are only HEADed; blobs a sibling repository holds (known from other tags' origins) are mounted, and
 * base layers a build never downloaded are mounted or fetched from their registry.
 */
@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = "Push an image from the local store to a registry.")
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
        Descriptor d = StoredImages.find(store, ref)
                .orElseThrow(() -> StrataException.input("no image " + ref.familiar()
                        + " in the local store " + store.root() + "; build it with `strata build -t " + ref.familiar()
                        + "` or pull it first (see `strata images`)"));
        RegistryClient client = RegistryClient.create(flags.options());
        // layers of a base a build never needed may still be only in the base's registry
        Image image = LayerOrigins.complete(store, store.image(d), new LayerFetcher(store, client));
        client.push(image, dest, LayerOrigins.of(store, image));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Pushed %s (%s)%n", dest.familiar(), image.manifest().digest());
        out.flush();
    }
}
