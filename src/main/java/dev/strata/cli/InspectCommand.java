package dev.strata.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.oci.OciJson;
import dev.strata.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata inspect}: an image of the store as JSON: manifest digest, config, layers and history. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Show an image of the local store as JSON: config, layers (digests, sizes, diffIDs), history.")
public final class InspectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "REF", description = "the image, as tagged in the store")
    String ref;

    @Override
    public void run() {
        Store store = Store.open(StoreHome.resolve());
        Descriptor d = StoreRefs.find(store, ref);
        Image image = store.image(d);
        ObjectNode out = OciJson.object();
        out.put("reference", d.annotations().getOrDefault(Store.REF_NAME, ref));
        out.put("fullReference", d.annotations().getOrDefault(Store.FULL_REF, ""));
        out.put("digest", image.manifest().digest().toString());
        out.put("mediaType", image.manifest().mediaType());
        out.put("id", image.manifest().config().digest().toString());
        var config = OciJson.parse(image.configBytes(), "image config");
        long size = image.manifest().config().size();
        ArrayNode layers = out.putArray("layers");
        for (Layer l : image.layers()) {
            ObjectNode n = layers.addObject();
            n.put("mediaType", l.descriptor().mediaType());
            n.put("digest", l.descriptor().digest().toString());
            n.put("size", l.descriptor().size());
            n.put("diffId", l.diffId().toString());
            size += l.descriptor().size();
        }
        out.put("size", size);
        out.set("history", config.path("history").isMissingNode() ? OciJson.array() : config.get("history"));
        out.set("config", config);
        try {
            spec.commandLine()
                    .getOut()
                    .println(OciJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        spec.commandLine().getOut().flush();
    }
}
