package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** One history entry of an image config; {@code emptyLayer} marks steps that added no layer. */
public record History(
        Optional<String> created,
        String createdBy,
        Optional<String> author,
        Optional<String> comment,
        boolean emptyLayer) {

    public static History of(String createdBy, boolean emptyLayer) {
        return new History(Optional.empty(), createdBy, Optional.empty(), Optional.empty(), emptyLayer);
    }

    static History fromJson(JsonNode n) {
        return new History(
                OciJson.optText(n, "created"),
                Optional.ofNullable(OciJson.text(n, "created_by")).orElse(""),
                OciJson.optText(n, "author"),
                OciJson.optText(n, "comment"),
                n.path("empty_layer").asBoolean(false));
    }

    ObjectNode toJson() {
        ObjectNode n = OciJson.object();
        created.ifPresent(c -> n.put("created", c));
        n.put("created_by", createdBy);
        author.ifPresent(a -> n.put("author", a));
        comment.ifPresent(c -> n.put("comment", c));
        if (emptyLayer) {
            n.put("empty_layer", true);
        }
        return n;
    }
}
