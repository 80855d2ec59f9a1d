package dev.strata.progress;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live view: finished steps scroll up as plain lines; running steps are redrawn below them with
 * their last few output lines, erased with ANSI cursor-up/clear-line before each redraw.
 */
public final class TtyRenderer implements ProgressListener {
    static final int TAIL = 5;
    private final PrintStream out;
    private final Map<Integer, Running> running = new LinkedHashMap<>();
    private int drawnLines;

    private record Running(String header, ArrayDeque<String> tail) {}

    public TtyRenderer(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void on(BuildEvent event) {
        erase();
        if (event instanceof StepStarted s) {
            running.put(
                    s.id(),
                    new Running(
                            "#" + s.id() + " [" + s.stage() + " " + s.index() + "/" + s.total() + "] "
                                    + s.instruction(),
                            new ArrayDeque<>()));
        } else if (event instanceof StepLog l) {
            Running r = running.get(l.id());
            if (r != null) {
                r.tail().addLast(l.line());
                while (r.tail().size() > TAIL) {
                    r.tail().removeFirst();
                }
            }
        } else if (event instanceof StepCached c) {
            finish(c.id(), "#" + c.id() + " CACHED");
        } else if (event instanceof StepDone d) {
            finish(
                    d.id(),
                    d.missReason().map(m -> "#" + d.id() + " MISS: " + m + "\n").orElse("") + "#" + d.id() + " DONE "
                            + PlainRenderer.oneDecimal(d.elapsed()));
        } else if (event instanceof StepFailed f) {
            finish(f.id(), "#" + f.id() + " ERROR: " + f.error());
        } else if (event instanceof BuildDone b) {
            out.println("DONE " + PlainRenderer.oneDecimal(b.elapsed())
                    + b.imageDigest().map(x -> " " + x).orElse(""));
        } else if (event instanceof Notice n) {
            out.println(n.text());
        } else if (event instanceof CacheSummary c) {
            out.println(c.text().stripTrailing());
        }
        draw();
        out.flush();
    }

    private void finish(int id, String last) {
        Running r = running.remove(id);
        if (r != null) {
            out.println(r.header());
        }
        out.println(last);
    }

    private void erase() {
        for (int i = 0; i < drawnLines; i++) {
            out.print("\u001b[1A\u001b[2K");
        }
        drawnLines = 0;
    }

    private void draw() {
        List<String> lines = new ArrayList<>();
        for (Running r : running.values()) {
            lines.add(r.header());
            r.tail().forEach(t -> lines.add("  " + t));
        }
        lines.forEach(out::println);
        drawnLines = lines.size();
    }
}
