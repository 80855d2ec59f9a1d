package dev.strata.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;

/** One JSON object per line, with "type", "time" and (for step events) "id". */
public final class JsonRenderer implements ProgressListener {
    private final ObjectMapper mapper = new ObjectMapper();
    private final PrintStream out;
    private final Clock clock;

    public JsonRenderer(PrintStream out) {
        this(out, Clock.systemUTC());
    }

    public JsonRenderer(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public synchronized void on(BuildEvent event) {
        try {
            out.println(mapper.writeValueAsString(toJson(event)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a build event", e);
        }
        out.flush();
    }

    ObjectNode toJson(BuildEvent event) {
        ObjectNode o = mapper.createObjectNode();
        if (event instanceof StepStarted s) {
            o.put("type", "step.started").put("id", s.id()).put("time", s.at().toString());
            o.put("stage", s.stage())
                    .put("index", s.index())
                    .put("total", s.total())
                    .put("instruction", s.instruction());
            return o;
        }
        if (event instanceof StepLog l) {
            o.put("type", "step.log").put("id", l.id()).put("line", l.line());
        } else if (event instanceof StepCached c) {
            o.put("type", "step.cached").put("id", c.id()).put("source", c.source());
        } else if (event instanceof StepDone d) {
            o.put("type", "step.done")
                    .put("id", d.id())
                    .put("elapsedMs", d.elapsed().toMillis());
            d.missReason().ifPresent(r -> o.put("miss", r));
        } else if (event instanceof StepFailed f) {
            o.put("type", "step.failed").put("id", f.id()).put("error", f.error());
        } else if (event instanceof BuildDone b) {
            o.put("type", "build.done").put("elapsedMs", b.elapsed().toMillis());
            b.imageDigest().ifPresent(d -> o.put("image", d));
        } else if (event instanceof CacheSummary c) {
            o.put("type", "cache.summary").put("hits", c.hits()).put("total", c.total());
        } else if (event instanceof BlobProgress p) {
            o.put("type", "blob.progress")
                    .put("transfer", p.transfer().word())
                    .put("digest", p.digest())
                    .put("bytes", p.bytes())
                    .put("total", p.total())
                    .put("complete", p.complete());
        } else if (event instanceof Notice n) {
            o.put("type", "notice").put("text", n.text());
        }
        o.put("time", clock.instant().toString());
        return o;
    }
}
