package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An image configuration: platform, runtime defaults, the diffIDs of the layers and the history.
 * Written canonically by {@link #toBytes()}; configs read from elsewhere keep their original bytes
 * in the store, so their digest never changes.
 */
public record ImageConfig(
        Optional<String> created,
        Optional<String> author,
        Platform platform,
        ContainerConfig config,
        List<Digest> diffIds,
        List<History> history) {

    public ImageConfig {
        diffIds = List.copyOf(diffIds);
        history = List.copyOf(history);
    }

    /** The config of {@code FROM scratch} on a platform. */
    public static ImageConfig scratch(Platform platform) {
        return new ImageConfig(
                Optional.empty(), Optional.empty(), platform, ContainerConfig.empty(), List.of(), List.of());
    }

    public static ImageConfig parse(byte[] bytes) {
        JsonNode n = OciJson.parse(bytes, "image config");
        List<Digest> diffIds = new ArrayList<>();
        JsonNode rootfs = n.get("rootfs");
        if (rootfs != null && rootfs.has("diff_ids")) {
            for (JsonNode d : rootfs.get("diff_ids")) {
                diffIds.add(Digest.parse(d.asText()));
            }
        } else if (rootfs == null) {
            throw StrataException.input("image config lacks 'rootfs'");
        }
        List<History> history = new ArrayList<>();
        if (n.has("history")) {
            n.get("history").forEach(h -> history.add(History.fromJson(h)));
        }
        return new ImageConfig(
                OciJson.optText(n, "created"),
                OciJson.optText(n, "author"),
                Platform.fromJson(n),
                ContainerConfig.fromJson(n.get("config")),
                diffIds,
                history);
    }

    /** Canonical bytes: fixed field order, no whitespace. */
    public byte[] toBytes() {
        ObjectNode n = OciJson.object();
        created.ifPresent(c -> n.put("created", c));
        author.ifPresent(a -> n.put("author", a));
        platform.writeTo(n);
        n.set("config", config.toJson());
        ObjectNode rootfs = n.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(d -> ids.add(d.toString()));
        if (!history.isEmpty()) {
            ArrayNode h = n.putArray("history");
            history.forEach(e -> h.add(e.toJson()));
        }
        return OciJson.bytes(n);
    }

    public ImageConfig withConfig(ContainerConfig c) {
        return new ImageConfig(created, author, platform, c, diffIds, history);
    }

    public ImageConfig withCreated(Optional<String> c) {
        return new ImageConfig(c, author, platform, config, diffIds, history);
    }

    /** Adds a layer (its diffID) and its history entry. */
    public ImageConfig withLayer(Digest diffId, History entry) {
        List<Digest> ids = new ArrayList<>(diffIds);
        ids.add(diffId);
        List<History> h = new ArrayList<>(history);
        h.add(entry);
        return new ImageConfig(created, author, platform, config, ids, h);
    }

    /** Adds a history entry for a step that made no layer. */
    public ImageConfig withHistory(History entry) {
        List<History> h = new ArrayList<>(history);
        h.add(entry);
        return new ImageConfig(created, author, platform, config, diffIds, h);
    }
}
