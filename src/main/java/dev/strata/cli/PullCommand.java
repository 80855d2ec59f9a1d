package dev.strata.cli;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RemoteImage;
import dev.strata.store.Store;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
        // largest first: the biggest layer bounds the wall time, so it must not start last
        Set<Digest> seen = new HashSet<>();
        List<Layer> bySize = new ArrayList<>(image.layers().stream()
                .filter(l -> seen.add(l.descriptor().digest()))
                .toList());
        bySize.sort(Comparator.comparingLong((Layer l) -> l.descriptor().size()).reversed());
        client.inParallel(bySize, layer -> fetch(client, image, store, layer));
        store.putBlob(
                image.manifest().config().mediaType(),
                new ByteArrayInputStream(image.configBytes()),
                Optional.of(image.manifest().config().digest()));
        Descriptor manifest = store.putBlob(
                image.manifest().mediaType(),
                new ByteArrayInputStream(image.manifest().bytes()),
                Optional.of(image.manifest().digest()));
        store.tagPulled(ref.asTagged().familiar(), ref.toString(), manifest);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Pulled %s (%s, %d layers)%n",
                ref.familiar(), manifest.digest(), image.layers().size());
        out.flush();
    }

    private static void fetch(RegistryClient client, RemoteImage image, Store store, Layer layer) {
        Descriptor d = layer.descriptor();
        if (store.hasBlob(d.digest())) {
            return;
        }
        // network buffers go straight into the store's temp file, which hashes and verifies them
        try {
            store.putBlob(d.mediaType(), d.digest(), out -> client.fetchBlob(image.reference(), d, out));
        } catch (StrataException e) {
            if (e.exitCode() != ExitCode.INPUT) {
                throw e;
            }
            // the store found the bytes do not match the digest: the registry sent them, so exit 3
            throw StrataException.registry(
                    "cannot pull layer " + d.digest() + " of " + image.reference() + " from "
                            + image.reference().registry() + ": " + e.getMessage(),
                    e);
        }
    }
}
