package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a step saw of its parent, field by field: kept in a record (not in its key) so that a miss on
 * a new parent can say what changed (an env var, the user, the base layers) instead of only "new
 * parent". Env values are stored hashed: they may carry build args a user would not want in a record.
 */
public record ParentSummary(SortedMap<String, String> fields) {
    public ParentSummary {
        fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }

    public static ParentSummary of(
            List<Digest> diffIds, List<String> env, String workdir, String user, List<String> shell) {
        TreeMap<String, String> f = new TreeMap<>();
        f.put(
                "layers",
                hash(String.join("\n", diffIds.stream().map(Digest::toString).toList())));
        for (String e : env) {
            int eq = e.indexOf('=');
            f.put("env:" + (eq < 0 ? e : e.substring(0, eq)), hash(eq < 0 ? "" : e.substring(eq + 1)));
        }
        f.put("workdir", workdir);
        f.put("user", user);
        f.put("shell", String.join(" ", shell));
        return new ParentSummary(f);
    }

    /** The differences from {@code had}, in words: "env PATH changed", "user changed", "base layers changed". */
    public List<String> diff(ParentSummary had) {
        return MissExplanation.changes(
                fields,
                had.fields,
                n -> n.equals("layers") ? "parent layers" : n.startsWith("env:") ? "env " + n.substring(4) : n);
    }

    ObjectNode toJson() {
        ObjectNode o = OciJson.object();
        fields.forEach(o::put);
        return o;
    }

    static ParentSummary fromJson(JsonNode o) {
        TreeMap<String, String> f = new TreeMap<>();
        o.fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
        return new ParentSummary(f);
    }

    private static String hash(String s) {
        return Digest.sha256(s.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 16);
    }
}
