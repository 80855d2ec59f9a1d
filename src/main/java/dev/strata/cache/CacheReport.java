package dev.strata.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Exactly what a build took from cache and why the rest missed, one entry per step. */
public record CacheReport(List<Entry> steps, List<Export> exports) {
    public CacheReport {
        steps = List.copyOf(steps);
        exports = List.copyOf(exports);
    }

    public CacheReport(List<Entry> steps) {
        this(steps, List.of());
    }

    /**
     * One {@code --cache-to}: how many records it holds, how many this build made or hit, how many
     * it kept of those already there (merged in) and how many retention dropped.
     */
    public record Export(
            String to, int records, int fromBuild, int mergedIn, int dropped, Digest digest, boolean unchanged) {
        /** "exported cache to R (12 records: 6 from this build, 6 merged in, 1 dropped)". */
        public String summary() {
            return records + " records: " + fromBuild + " from this build, " + mergedIn + " merged in, " + dropped
                    + " dropped";
        }
    }

    /** source: where a hit came from; reason: why a miss missed; layer: the step's layer, either way. */
    public record Entry(
            int id,
            String instruction,
            boolean hit,
            Optional<String> source,
            Optional<String> reason,
            Optional<Digest> layer) {}

    public long hits() {
        return steps.stream().filter(Entry::hit).count();
    }

    /** One line per step, then a total line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (Entry e : steps) {
            b.append('#')
                    .append(e.id())
                    .append(' ')
                    .append(e.hit() ? "HIT " : "MISS")
                    .append(' ')
                    .append(e.instruction());
            if (e.hit()) {
                e.source().ifPresent(s -> b.append(" (from ").append(s).append(')'));
            } else {
                e.reason().ifPresent(r -> b.append(" (").append(r).append(')'));
            }
            e.layer().ifPresent(l -> b.append(" layer ").append(l.shortHex()));
            b.append('\n');
        }
        b.append(hits()).append(" of ").append(steps.size()).append(" steps cached\n");
        for (Export x : exports) {
            b.append("cache ").append(x.to()).append(": ").append(x.summary());
            b.append(x.unchanged() ? ", unchanged\n" : "\n");
        }
        return b.toString();
    }

    public String toJson() {
        ObjectNode o = OciJson.object();
        ArrayNode a = o.putArray("steps");
        for (Entry e : steps) {
            ObjectNode s = a.addObject();
            s.put("id", e.id()).put("instruction", e.instruction()).put("hit", e.hit());
            e.source().ifPresent(x -> s.put("source", x));
            e.reason().ifPresent(x -> s.put("reason", x));
            e.layer().ifPresent(x -> s.put("layer", x.toString()));
        }
        o.put("hits", hits()).put("total", steps.size());
        if (!exports.isEmpty()) {
            ArrayNode xs = o.putArray("exports");
            for (Export x : exports) {
                xs.addObject()
                        .put("to", x.to())
                        .put("records", x.records())
                        .put("fromBuild", x.fromBuild())
                        .put("mergedIn", x.mergedIn())
                        .put("dropped", x.dropped())
                        .put("digest", x.digest().toString())
                        .put("unchanged", x.unchanged());
            }
        }
        return new String(OciJson.bytes(o), StandardCharsets.UTF_8);
    }
}
