package dev.strata.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.BuildListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/** One JSON object per line for machines: {@code {"event":"started","id":3,...}}. */
final class JsonProgress implements BuildListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    JsonProgress(PrintStream out) {
        this.out = out;
    }

    private ObjectNode event(String name, int id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", name);
        if (id > 0) {
            n.put("id", id);
        }
        return n;
    }

    private void print(ObjectNode n) {
        out.println(n.toString());
    }

    @Override
    public void started(int id, String stage, int index, int total, String instruction) {
        print(event("started", id).put("stage", stage).put("index", index).put("total", total)
                .put("instruction", instruction));
    }

    @Override
    public void log(int id, String line) {
        print(event("log", id).put("line", line));
    }

    @Override
    public void cached(int id, String source) {
        print(event("cached", id).put("source", source));
    }

    @Override
    public void done(int id, Duration elapsed, Optional<String> missReason) {
        ObjectNode n = event("done", id).put("seconds", elapsed.toMillis() / 1000.0);
        missReason.ifPresent(r -> n.put("miss_reason", r));
        print(n);
    }

    @Override
    public void failed(int id, String error) {
        print(event("failed", id).put("error", error));
    }

    @Override
    public void notice(String text) {
        print(event("notice", 0).put("text", text));
    }

    @Override
    public void finished(Duration elapsed, Optional<String> imageDigest) {
        ObjectNode n = event("finished", 0).put("seconds", elapsed.toMillis() / 1000.0);
        imageDigest.ifPresent(d -> n.put("image", d));
        print(n);
        out.flush();
    }
}
