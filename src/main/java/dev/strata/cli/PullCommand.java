package dev.strata.cli;

import dev.strata.engine.LayerFetcher;
import dev.strata.engine.StoreSink;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RemoteImage;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata pull REF}: the image into the local store. Every blob is verified on the way in;
 * the manifest and the tag are written last, so an interrupted pull leaves no tag to a partial image.
 */
@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = "Pull an image from a registry into the local store.")
public final class PullCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            description = "The platform to pick from a multi-platform image (default: this machine's).")
    Optional<String> platform = Optional.empty();

    @Parameters(index = "0", paramLabel = "REF", description = "Image reference, e.g. registry.example/app:1")
    String reference;

    @Override
    public void run() {
        Reference ref = Reference.parse(reference);
        Platform p = platform.map(Platform::parse).orElse(Platform.host());
        RegistryClient client = RegistryClient.create(flags.options());
        RemoteImage image = client.image(ref, p);
        Store store = Store.open(StoreHome.resolve());
        Descriptor[] stored = new Descriptor[1];
        // the layers name the image's repository as their origin: the fetcher downloads each into the
        // store once, verified; the manifest and the tag are written last
        new StoreSink(store, new LayerFetcher(store, client), false, m -> {
                    store.tagPulled(ref.asTagged().familiar(), ref.toString(), m);
                    stored[0] = m;
                })
                .write(Artifact.of(image, new LayerOrigin.Registry(List.of(image.reference()))));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Pulled %s (%s, %d layers)%n",
                ref.familiar(), stored[0].digest(), image.layers().size());
        out.flush();
    }
}
