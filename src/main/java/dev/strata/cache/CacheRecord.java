package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One cached step result: its inputs, the layer it produced (none for config-only steps) and what
 * it saw of its parent (to explain later misses; not part of the key).
 *
 * @param aliases  other keys naming the same result: a {@code COPY --from} is also keyed by the
 *                 layers of its source (no file read needed), so it can hit without downloading them
 * @param lastUsed the day an exported cache last saw the record built or hit (retention reads it);
 *                 a day, not an instant, so an all-hit rebuild on the same day changes no byte
 * @param stage    the stage the step belongs to ("builder", "stage-1"), for {@code strata cache inspect}
 * @param built    when the step last ran (the build's clock, to the second), written for a step with a
 *                 ttl: its age. {@code created} cannot serve, it is SOURCE_DATE_EPOCH (or 1970) to keep
 *                 images reproducible. A hit keeps the time of the record it hit, so a cache hit again
 *                 and again still ages; records of older strata have none.
 */
public record CacheRecord(
        CacheKey key,
        StepInputs inputs,
        Optional<Descriptor> layer,
        Optional<Digest> diffId,
        Instant created,
        Optional<ParentSummary> parent,
        List<CacheKey> aliases,
        Optional<LocalDate> lastUsed,
        Optional<String> stage,
        Optional<Instant> built) {
    public static final String MEDIA_TYPE = "application/vnd.strata.cache.record.v1+json";

    public CacheRecord {
        TreeSet<String> sorted = new TreeSet<>();
        aliases.forEach(a -> sorted.add(a.toString()));
        sorted.remove(key.toString());
        aliases = sorted.stream().map(a -> new CacheKey(Digest.parse(a))).toList();
    }

    public CacheRecord(
            CacheKey key,
            StepInputs inputs,
            Optional<Descriptor> layer,
            Optional<Digest> diffId,
            Instant created,
            Optional<ParentSummary> parent,
            List<CacheKey> aliases,
            Optional<LocalDate> lastUsed,
            Optional<String> stage) {
        this(key, inputs, layer, diffId, created, parent, aliases, lastUsed, stage, Optional.empty());
    }

    public CacheRecord(
            CacheKey key,
            StepInputs inputs,
            Optional<Descriptor> layer,
            Optional<Digest> diffId,
            Instant created,
            Optional<ParentSummary> parent) {
        this(key, inputs, layer, diffId, created, parent, List.of(), Optional.empty(), Optional.empty());
    }

    public CacheRecord(
            CacheKey key, StepInputs inputs, Optional<Descriptor> layer, Optional<Digest> diffId, Instant created) {
        this(key, inputs, layer, diffId, created, Optional.empty());
    }

    /** This record, last used on {@code day}. */
    public CacheRecord usedOn(LocalDate day) {
        return new CacheRecord(key, inputs, layer, diffId, created, parent, aliases, Optional.of(day), stage, built);
    }

    /** This record with {@code more} aliases. */
    public CacheRecord withAliases(List<CacheKey> more) {
        List<CacheKey> all = new ArrayList<>(aliases);
        all.addAll(more);
        return new CacheRecord(key, inputs, layer, diffId, created, parent, all, lastUsed, stage, built);
    }

    /** This record, of the stage named {@code name}. */
    public CacheRecord inStage(String name) {
        return new CacheRecord(
                key, inputs, layer, diffId, created, parent, aliases, lastUsed, Optional.of(name), built);
    }

    /** This record, its step run at {@code when} (kept to the second: an age in hours needs no more). */
    public CacheRecord builtAt(Instant when) {
        return new CacheRecord(
                key,
                inputs,
                layer,
                diffId,
                created,
                parent,
                aliases,
                lastUsed,
                stage,
                Optional.of(when.truncatedTo(ChronoUnit.SECONDS)));
    }

    /** True when {@code k} is this record's key or one of its aliases. */
    public boolean answers(CacheKey k) {
        return key.equals(k) || aliases.contains(k);
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
        if (!aliases.isEmpty()) {
            ArrayNode a = o.putArray("aliases");
            aliases.forEach(k -> a.add(k.toString()));
        }
        lastUsed.ifPresent(d -> o.put("lastUsed", d.toString()));
        stage.ifPresent(n -> o.put("stage", n));
        built.ifPresent(b -> o.put("built", b.toString()));
        return OciJson.bytes(o);
    }

    /** A record from its JSON; anything malformed (a bad digest, date or field) is StrataException(INPUT). */
    public static CacheRecord parse(byte[] bytes) {
        JsonNode o = OciJson.parse(bytes, "cache record");
        try {
            return fromJson(o);
        } catch (StrataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StrataException.input("cache record is malformed: " + e.getMessage(), e);
        }
    }

    private static CacheRecord fromJson(JsonNode o) {
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
                o.has("parent") ? Optional.of(ParentSummary.fromJson(o.get("parent"))) : Optional.empty(),
                aliases(o.path("aliases")),
                o.has("lastUsed")
                        ? Optional.of(LocalDate.parse(o.get("lastUsed").asText()))
                        : Optional.empty(),
                o.has("stage") ? Optional.of(o.get("stage").asText()) : Optional.empty(),
                // optional: records written before ttls have none, and still load
                o.has("built") ? Optional.of(Instant.parse(o.get("built").asText())) : Optional.empty());
    }

    private static List<CacheKey> aliases(JsonNode a) {
        List<CacheKey> out = new ArrayList<>();
        a.forEach(k -> out.add(new CacheKey(Digest.parse(k.asText()))));
        return out;
    }
}
