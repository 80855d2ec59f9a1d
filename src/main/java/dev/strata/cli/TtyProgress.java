package dev.strata.cli;

import dev.strata.build.BuildListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The live view for a terminal: finished steps stay as one line each ({@code => CACHED}, {@code DONE
 * 0.4s}); the steps running now are redrawn at the bottom with their elapsed time and last output
 * line, replaced on every event. Errors keep the step's last output above them.
 */
final class TtyProgress implements BuildListener {
    private static final String UP = "\033[%dA";
    private static final String CLEAR_DOWN = "\033[J";
    private final PrintStream out;
    private final Map<Integer, Running> running = new LinkedHashMap<>();
    private int drawn;

    private static final class Running {
        final String title;
        final Instant start = Instant.now();
        String last = "";

        Running(String title) {
            this.title = title;
        }
    }

    TtyProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(int id, String stage, int index, int total, String instruction) {
        int nl = instruction.indexOf('\n');
        String text = nl < 0 ? instruction : instruction.substring(0, nl) + " ...";
        running.put(id, new Running("#" + id + " [" + stage + " " + index + "/" + total + "] " + text));
        redraw(null);
    }

    @Override
    public void log(int id, String line) {
        Running r = running.get(id);
        if (r != null) {
            r.last = line;
        }
        redraw(null);
    }

    @Override
    public void cached(int id, String source) {
        Running r = running.remove(id);
        redraw(r == null ? null : "\033[32m=> " + r.title + "  CACHED\033[0m");
    }

    @Override
    public void done(int id, Duration elapsed, Optional<String> missReason) {
        Running r = running.remove(id);
        if (r != null) {
            redraw(String.format("=> %s  DONE %.1fs%s", r.title, elapsed.toMillis() / 1000.0,
                    missReason.map(m -> "\n   \033[2mcache miss: " + m + "\033[0m").orElse("")));
        }
    }

    @Override
    public void failed(int id, String error) {
        Running r = running.remove(id);
        redraw("\033[31m=> " + (r == null ? "#" + id : r.title) + "  ERROR\033[0m\n   " + error);
    }

    @Override
    public void notice(String text) {
        redraw(text);
    }

    @Override
    public void finished(Duration elapsed, Optional<String> imageDigest) {
        redraw(String.format("build finished in %.1fs", elapsed.toMillis() / 1000.0));
        out.flush();
    }

    /** Erases the live block, prints {@code permanent} (if any) above it, and draws the block again. */
    private void redraw(String permanent) {
        if (drawn > 0) {
            out.print(String.format(UP, drawn));
            out.print(CLEAR_DOWN);
        }
        if (permanent != null) {
            out.println(permanent);
        }
        drawn = 0;
        for (Running r : running.values()) {
            long s = Duration.between(r.start, Instant.now()).toMillis();
            out.printf("\033[34m%s\033[0m  %.1fs%n", r.title, s / 1000.0);
            drawn++;
            if (!r.last.isEmpty()) {
                out.println("   \033[2m" + (r.last.length() > 100 ? r.last.substring(0, 100) : r.last) + "\033[0m");
                drawn++;
            }
        }
        out.flush();
    }
}
