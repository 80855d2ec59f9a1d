package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a step's result depends on. parentState names the parent's layers and observable
 * config (see {@link ParentState}); inputs are named components such as "arg:PIP_PROXY" or "file:/src/".
 */
public record StepInputs(String parentState, String instruction, SortedMap<String, String> inputs) {
    /** Bumped whenever the encoding changes, so old keys stop matching instead of matching wrongly. */
    public static final int FORMAT_VERSION = 1;

    public StepInputs {
        inputs = Collections.unmodifiableSortedMap(new TreeMap<>(inputs));
    }

    public static StepInputs of(String parentState, String instruction, Map<String, String> inputs) {
        return new StepInputs(parentState, instruction, new TreeMap<>(inputs));
    }

    /** The instruction keyword ("RUN", "COPY"...), used to find comparable earlier records. */
    public String kind() {
        String t = instruction.strip();
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    /** sha256 of the canonical JSON: fixed field order, sorted inputs, no whitespace. */
    public CacheKey key() {
        return new CacheKey(Digest.sha256(canonicalJson()));
    }

    byte[] canonicalJson() {
        return OciJson.bytes(toJson());
    }

    ObjectNode toJson() {
        ObjectNode o = OciJson.object();
        o.put("v", FORMAT_VERSION);
        o.put("parent", parentState);
        o.put("instruction", instruction);
        ObjectNode in = o.putObject("inputs");
        inputs.forEach(in::put); // TreeMap: sorted, so insertion order of the caller does not matter
        return o;
    }

    static StepInputs fromJson(JsonNode o) {
        TreeMap<String, String> in = new TreeMap<>();
        o.path("inputs")
                .fields()
                .forEachRemaining(e -> in.put(e.getKey(), e.getValue().asText()));
        return new StepInputs(o.path("parent").asText(), o.path("instruction").asText(), in);
    }
}
