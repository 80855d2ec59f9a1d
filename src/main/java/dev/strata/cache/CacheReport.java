package dev.strata.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Exactly what a build took from cache and why the rest missed, one entry per step. */
public record CacheReport(List<Entry> steps) {
    public CacheReport {
        steps = List.copyOf(steps);
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
        return new String(OciJson.bytes(o), StandardCharsets.UTF_8);
    }
}
