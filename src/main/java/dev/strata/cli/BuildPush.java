package dev.strata.cli;

import dev.strata.engine.BuildResult;
import dev.strata.engine.LayerFetcher;
import dev.strata.engine.LayerOrigins;
import dev.strata.engine.Metered;
import dev.strata.error.StrataException;
import dev.strata.oci.Image;
import dev.strata.oci.Reference;
import dev.strata.progress.Transfer;
import dev.strata.progress.TransferMeter;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * {@code strata build --push}: the built image, already in the store, pushed to every {@code -t}
 * reference. Blobs the registry has are only HEADed; base layers never downloaded by the build are
 * mounted from the repository they came from (same registry) or fetched from it now.
 */
final class BuildPush {
    private BuildPush() {}

    /** Fails early (before building) when {@code --push} has nowhere to go. */
    static void check(List<String> tags) {
        if (tags.isEmpty()) {
            throw StrataException.input("--push needs a destination: add -t REGISTRY/REPOSITORY:TAG");
        }
    }

    /** Pushes to each tag, counting the bytes sent into {@code meter}; {@code err} gets one "pushed REF@DIGEST" line per tag (none with json progress). */
    static void push(
            BuildResult result,
            List<String> tags,
            Store store,
            RegistryClient client,
            TransferMeter meter,
            Optional<PrintWriter> err) {
        Image image = LayerOrigins.complete(store, result.image(), new LayerFetcher(store, client, meter));
        List<Reference> mountFrom = LayerOrigins.of(store, image);
        // counted as read: a blob the registry has, or one mounted, is never read and moves no bytes
        Image counted = Metered.image(image, meter, Transfer.PUSH);
        for (String t : tags) {
            Reference ref = Reference.parse(t);
            client.push(counted, ref, mountFrom);
            err.ifPresent(
                    w -> w.println("pushed " + ref + "@" + image.manifest().digest()));
        }
        err.ifPresent(PrintWriter::flush);
    }
}
