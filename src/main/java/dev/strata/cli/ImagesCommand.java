package dev.strata.cli;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.OciJson;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code strata images}: the tagged images in the local store. An image whose blobs are gone is
 * reported on stderr and the listing goes on, so one damaged image does not hide the others.
 */
@Command(name = "images", mixinStandardHelpOptions = true, description = "List the tagged images in the local store.")
public final class ImagesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--format",
            defaultValue = "table",
            paramLabel = "table|json",
            description = "table (default) or json: one JSON object per image and line")
    String format;

    /** One listed image. */
    private record Row(
            String name, String tag, String reference, String digest, String id, String created, long size) {}

    @Override
    public void run() {
        if (!format.equals("table") && !format.equals("json")) {
            throw StrataException.input("unknown --format '" + format + "': use table or json");
        }
        Store store = Store.open(StoreHome.resolve());
        PrintWriter out = spec.commandLine().getOut();
        List<StrataException> broken = new ArrayList<>();
        if (format.equals("table")) {
            out.printf("%-30s %-15s %-14s %-22s %s%n", "NAME", "TAG", "IMAGE ID", "CREATED", "SIZE");
        }
        for (Descriptor d : store.tags()) {
            Row r;
            try {
                r = row(store, d);
            } catch (StrataException e) {
                broken.add(e);
                continue;
            }
            if (format.equals("json")) {
                var n = OciJson.object();
                n.put("name", r.name())
                        .put("tag", r.tag())
                        .put("reference", r.reference())
                        .put("digest", r.digest())
                        .put("id", r.id())
                        .put("created", r.created())
                        .put("size", r.size());
                out.println(new String(OciJson.bytes(n), StandardCharsets.UTF_8));
            } else {
                out.printf(
                        "%-30s %-15s %-14s %-22s %d%n",
                        r.name(), r.tag(), r.id().substring(7, 19), r.created(), r.size());
            }
        }
        out.flush();
        if (broken.size() == 1) {
            throw broken.get(0);
        }
        if (!broken.isEmpty()) {
            StringBuilder msg = new StringBuilder(broken.size() + " images of the store are damaged:");
            broken.forEach(e -> msg.append("\n  ").append(e.getMessage()));
            throw new StrataException(ExitCode.ENVIRONMENT, msg.toString());
        }
    }

    private static Row row(Store store, Descriptor d) {
        String ref = d.annotations().getOrDefault(Store.REF_NAME, "");
        int colon = ref.lastIndexOf(':');
        Image img = store.image(d);
        long size = img.manifest().config().size();
        for (var l : img.layers()) {
            size += l.descriptor().size();
        }
        return new Row(
                colon > 0 ? ref.substring(0, colon) : ref,
                colon > 0 ? ref.substring(colon + 1) : "latest",
                d.annotations().getOrDefault(Store.FULL_REF, ref),
                d.digest().toString(),
                img.manifest().config().digest().toString(),
                OciJson.parse(img.configBytes(), "image config").path("created").asText(""),
                size);
    }
}
