package dev.strata.cli;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.OciJson;
import dev.strata.store.Store;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata images}: the tagged images in the local store. */
@Command(name = "images", description = "List the tagged images in the local store.")
public final class ImagesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Store store = Store.open(StoreHome.resolve());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-30s %-15s %-14s %-22s %s%n", "NAME", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (Descriptor d : store.tags()) {
            String ref = d.annotations().getOrDefault(Store.REF_NAME, "");
            int colon = ref.lastIndexOf(':');
            String name = colon > 0 ? ref.substring(0, colon) : ref;
            String tag = colon > 0 ? ref.substring(colon + 1) : "latest";
            Image img = store.image(d);
            long size = img.manifest().config().size();
            for (var l : img.layers()) {
                size += l.descriptor().size();
            }
            var created = OciJson.parse(img.configBytes(), "image config").path("created").asText("");
            out.printf("%-30s %-15s %-14s %-22s %d%n", name, tag,
                    img.manifest().config().digest().hex().substring(0, 12), created, size);
        }
        out.flush();
    }
}
