package dev.strata.progress;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A live view, as BuildKit's tty mode: finished steps (and the cache report, notices, a summary
 * line) scroll up as plain lines; below them the {@link LiveView} frame — a status line, running
 * steps with timers and their last output lines, per-blob byte progress — is redrawn in place
 * (cursor up and erase, line by line). Redraws come at most every {@link #FRAME}: events in
 * between only change the model, and a ticker thread draws the latest state and advances the
 * timers. Lines that scroll are printed at once, so the screen never lags behind what finished.
 */
public final class TtyRenderer implements ProgressListener {
    static final Duration FRAME = Duration.ofMillis(100);
    /** How often the ticker asks the terminal for its size again (a resized window). */
    private static final int PROBE_EVERY_TICKS = 5;

    private final PrintStream out;
    private final Clock clock;
    private final Supplier<TerminalSize> sizes;
    private final boolean ticking;
    private final LiveView view = new LiveView();
    private volatile TerminalSize size;
    /** The live area's lines as last drawn (their lengths say how many rows they take now). */
    private List<String> drawn = List.of();

    private Instant lastDraw = Instant.EPOCH;
    private boolean dirty;
    private Thread ticker;

    /** On the terminal {@code out} writes to, its size asked with {@link TerminalSize#probe()}. */
    public TtyRenderer(PrintStream out) {
        this(out, Clock.systemUTC(), TerminalSize.probe(), true);
    }

    /**
     * {@code ticking} false draws on every event and starts no thread: tests see each frame, under
     * a fixed clock and size.
     */
    TtyRenderer(PrintStream out, Clock clock, Supplier<TerminalSize> sizes, boolean ticking) {
        this.out = out;
        this.clock = clock;
        this.sizes = sizes;
        this.ticking = ticking;
    }

    @Override
    public synchronized void on(BuildEvent event) {
        Instant now = clock.instant();
        LiveView.Change change = view.apply(event, now);
        // what scrolls, or an item leaving the live area, is drawn now: anything printed after this
        // event by someone else (the CLI's "naming to" lines) must find the area as the model says
        boolean drawNow = !ticking
                || !change.scrolled().isEmpty()
                || change.shrunk()
                || Duration.between(lastDraw, now).compareTo(FRAME) >= 0;
        if (drawNow) {
            draw(now, change.scrolled());
        } else {
            dirty = true;
        }
        if (ticking && view.isLive() && ticker == null) {
            startTicker();
        }
    }

    private void draw(Instant now, List<String> scrolled) {
        StringBuilder b = new StringBuilder();
        TerminalSize s = size();
        // line by line (up, erase line), not "erase to the end of the screen": tmux keeps what that
        // erases from the top row in its history. A terminal narrowed since the last draw has
        // re-wrapped those lines over more rows: each takes ceil(length / columns) of them.
        for (int i = rows(drawn, s.columns()); i > 0; i--) {
            b.append("\u001b[1A\u001b[2K");
        }
        if (!drawn.isEmpty()) {
            b.append('\r');
        }
        scrolled.forEach(l -> b.append(l).append('\n'));
        List<String> frame = view.frame(now, s);
        frame.forEach(l -> b.append(l).append('\n'));
        drawn = frame;
        if (b.length() > 0) {
            out.print(b);
            out.flush();
        }
        lastDraw = now;
        dirty = false;
    }

    static int rows(List<String> lines, int columns) {
        int rows = 0;
        for (String l : lines) {
            rows += Math.max(1, (l.length() + columns - 1) / Math.max(1, columns));
        }
        return rows;
    }

    private TerminalSize size() {
        TerminalSize s = size;
        if (s == null) {
            s = sizes.get();
            size = s;
        }
        return s;
    }

    private void startTicker() {
        Thread t = new Thread(this::tick, "strata-progress");
        t.setDaemon(true);
        ticker = t;
        t.start();
    }

    /** Redraws every frame while something is live (timers move), then ends; a later event starts another. */
    private void tick() {
        int ticks = 0;
        while (true) {
            try {
                Thread.sleep(FRAME.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (++ticks % PROBE_EVERY_TICKS == 0) {
                // outside the lock: asking the terminal runs a process
                size = sizes.get();
            }
            synchronized (this) {
                if (dirty || view.isLive()) {
                    draw(clock.instant(), List.of());
                }
                if (!view.isLive()) {
                    ticker = null;
                    return;
                }
            }
        }
    }
}
