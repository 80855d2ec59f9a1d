package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.time.Instant;
import java.util.Optional;

/**
 * One cached step result: its inputs, the layer it produced (none for config-only steps) and what
 * it saw of its parent (to explain later misses; not part of the key).
 */
public record CacheRecord(
        CacheKey key,
        StepInputs inputs,
        Optional<Descriptor> layer,
        Optional<Digest> diffId,
        Instant created,
        Optional<ParentSummary> parent) {
    public static final String MEDIA_TYPE = "application/vnd.strata.cache.record.v1+json";

    public CacheRecord(
            CacheKey key, StepInputs inputs, Optional<Descriptor> layer, Optional<Digest> diffId, Instant created) {
        this(key, inputs, layer, diffId, created, Optional.empty());
    }

    public byte[] toJson() {
        ObjectNode o = OciJson.object();
        o.put("key", key.toString());
        o.set("inputs", inputs.toJson());
        layer.ifPresent(l -> {
            ObjectNode d = o.putObject("layer");
            d.put("mediaType", l.mediaType());
            d.put("digest", l.digest().toString());
            d.put("size", l.size());
        });
        diffId.ifPresent(d -> o.put("diffId", d.toString()));
        o.put("created", created.toString());
        parent.ifPresent(p -> o.set("parent", p.toJson()));
        return OciJson.bytes(o);
    }

    public static CacheRecord parse(byte[] bytes) {
        JsonNode o = OciJson.parse(bytes, "cache record");
        Optional<Descriptor> layer = o.has("layer")
                ? Optional.of(new Descriptor(
                        o.get("layer").path("mediaType").asText(),
                        Digest.parse(o.get("layer").path("digest").asText()),
                        o.get("layer").path("size").asLong()))
                : Optional.empty();
        Optional<Digest> diff =
                o.has("diffId") ? Optional.of(Digest.parse(o.get("diffId").asText())) : Optional.empty();
        return new CacheRecord(
                new CacheKey(Digest.parse(o.path("key").asText())),
                StepInputs.fromJson(o.path("inputs")),
                layer,
                diff,
                Instant.parse(o.path("created").asText()),
                o.has("parent") ? Optional.of(ParentSummary.fromJson(o.get("parent"))) : Optional.empty());
    }
}
