package dev.strata.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the tty renderer shows, as data: events go in ({@link #apply}) and come out as the lines that
 * scroll up for good, while {@link #frame} draws what is still moving (running steps with their
 * timers and last output lines, blob transfers with their bytes, a status line) into a terminal of
 * a given size. Not thread-safe: {@link TtyRenderer} holds its lock around both.
 */
final class LiveView {
    /** Output lines kept per running step. */
    static final int TAIL = 5;
    /** Below this many columns, a frame drops output lines and bars and keeps one line per item. */
    static final int NARROW = 50;

    private record Running(String header, Instant since, ArrayDeque<String> tail) {}

    private record Moving(BlobProgress last, Instant since) {}

    private final Map<Integer, Running> running = new LinkedHashMap<>();
    private final Map<String, Moving> moving = new LinkedHashMap<>();
    private final Map<Transfer, Long> moved = new EnumMap<>(Transfer.class);
    private Instant start;
    private int cached;
    private int ran;
    private long hits = -1;
    private int total;

    /** What an event changed: lines to print above the live area, and whether that area lost an item. */
    record Change(List<String> scrolled, boolean shrunk) {}

    Change apply(BuildEvent event, Instant now) {
        if (start == null) {
            start = now;
        }
        List<String> out = new ArrayList<>();
        boolean shrunk = false;
        if (event instanceof StepStarted s) {
            running.put(
                    s.id(),
                    new Running(
                            "#" + s.id() + " [" + s.stage() + " " + s.index() + "/" + s.total() + "] "
                                    + s.instruction(),
                            now,
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
            cached++;
            finish(c.id(), out, false);
            out.add("#" + c.id() + " CACHED");
            shrunk = true;
        } else if (event instanceof StepDone d) {
            ran++;
            finish(d.id(), out, false);
            d.missReason().ifPresent(m -> out.add("#" + d.id() + " MISS: " + m));
            out.add("#" + d.id() + " DONE " + PlainRenderer.oneDecimal(d.elapsed()));
            shrunk = true;
        } else if (event instanceof StepFailed f) {
            // the output that led to the failure stays on the screen
            finish(f.id(), out, true);
            out.add("#" + f.id() + " ERROR: " + f.error());
            shrunk = true;
        } else if (event instanceof BlobProgress p) {
            String key = p.transfer() + " " + p.digest();
            if (p.complete()) {
                moving.remove(key);
                moved.merge(p.transfer(), p.bytes(), Long::sum);
                shrunk = true;
            } else {
                Moving m = moving.get(key);
                moving.put(key, new Moving(p, m == null ? now : m.since()));
            }
        } else if (event instanceof CacheSummary c) {
            hits = c.hits();
            total = c.total();
            out.addAll(c.text().stripTrailing().lines().toList());
        } else if (event instanceof BuildDone b) {
            out.add(summary(b.elapsed()));
            out.add("DONE " + PlainRenderer.oneDecimal(b.elapsed())
                    + b.imageDigest().map(x -> " " + x).orElse(""));
        } else if (event instanceof Notice n) {
            out.addAll(n.text().lines().toList());
        }
        return new Change(out, shrunk);
    }

    /** True while something is running or moving: its timers change even without events. */
    boolean isLive() {
        return !running.isEmpty() || !moving.isEmpty();
    }

    private void finish(int id, List<String> out, boolean withTail) {
        Running r = running.remove(id);
        if (r != null) {
            out.add(r.header());
            if (withTail) {
                r.tail().forEach(t -> out.add("  " + t));
            }
        }
    }

    /** The final line: the cache's hits and misses and the bytes each way. */
    String summary(Duration elapsed) {
        String steps = hits < 0
                ? cached + " cached, " + ran + " run"
                : hits
                        + (hits == 1 ? " hit, " : " hits, ")
                        + (total - hits)
                        + (total - hits == 1 ? " miss" : " misses");
        return "[+] " + steps + "; pulled " + Bytes.human(moved(Transfer.PULL)) + ", pushed "
                + Bytes.human(moved(Transfer.PUSH)) + ", cache exported " + Bytes.human(moved(Transfer.EXPORT))
                + " in " + PlainRenderer.oneDecimal(elapsed);
    }

    private long moved(Transfer t) {
        return moved.getOrDefault(t, 0L);
    }

    /**
     * The live area at {@code now} for a terminal of {@code size}: empty when nothing is live, and
     * never more lines than the terminal has rows (less one for the cursor), none wider than it.
     */
    List<String> frame(Instant now, TerminalSize size) {
        if (!isLive()) {
            return List.of();
        }
        int width = Math.max(1, size.columns() - 1);
        boolean narrow = size.columns() < NARROW;
        List<String> steps = new ArrayList<>();
        for (Running r : running.values()) {
            steps.add(withTimer(r.header(), Duration.between(r.since(), now), width));
        }
        List<String> transfers = new ArrayList<>();
        for (Moving m : moving.values()) {
            transfers.add(transfer(m, now, width, narrow));
        }
        String elapsed = PlainRenderer.oneDecimal(Duration.between(start, now));
        String status = fit(
                narrow
                        ? "[+] " + elapsed + " " + running.size() + " running, " + (cached + ran) + " done"
                        : "[+] " + elapsed + " " + cached + " cached, " + ran + " run, " + running.size()
                                + " running; pulled " + Bytes.human(movedSoFar(Transfer.PULL)) + ", pushed "
                                + Bytes.human(movedSoFar(Transfer.PUSH)) + ", exported "
                                + Bytes.human(movedSoFar(Transfer.EXPORT)),
                width);
        int rows = Math.max(1, size.rows() - 1);
        List<String> out = new ArrayList<>();
        out.add(status);
        int fixed = 1 + steps.size() + transfers.size();
        // output lines only while they fit: headers and transfers first, then as many tails as room allows
        int room = narrow ? 0 : Math.max(0, rows - fixed);
        int i = 0;
        for (Running r : running.values()) {
            out.add(steps.get(i++));
            List<String> tail = new ArrayList<>(r.tail());
            int keep = Math.min(tail.size(), Math.min(room, TAIL));
            for (String t : tail.subList(tail.size() - keep, tail.size())) {
                out.add(fit("  " + t, width));
            }
            room -= keep;
        }
        out.addAll(transfers);
        if (out.size() > rows) {
            // a terminal too short for every item: the first ones, and how many are left out
            List<String> cut = new ArrayList<>(out.subList(0, rows - 1));
            cut.add(fit("... and " + (out.size() - cut.size()) + " more", width));
            return cut;
        }
        return out;
    }

    /** Bytes of finished transfers plus those of running ones. */
    private long movedSoFar(Transfer t) {
        long n = moved(t);
        for (Moving m : moving.values()) {
            if (m.last().transfer() == t) {
                n += m.last().bytes();
            }
        }
        return n;
    }

    private static String transfer(Moving m, Instant now, int width, boolean narrow) {
        BlobProgress p = m.last();
        String head = p.transfer().word() + " " + p.shortDigest();
        String amount = Bytes.human(p.bytes()) + (p.total() > 0 ? " / " + Bytes.human(p.total()) : "");
        String time = PlainRenderer.oneDecimal(Duration.between(m.since(), now));
        if (narrow || p.total() <= 0) {
            String pct = p.total() > 0 ? " " + percent(p) : "";
            return fit(head + pct + " " + amount, width);
        }
        int bar = Math.min(30, width - head.length() - amount.length() - time.length() - 5);
        if (bar < 5) {
            return fit(head + " " + amount + " " + time, width);
        }
        int filled = (int) Math.min(bar, bar * p.bytes() / p.total());
        String b = "=".repeat(filled) + (filled < bar ? ">" + " ".repeat(bar - filled - 1) : "");
        return fit(head + " [" + b + "] " + amount + " " + time, width);
    }

    private static String percent(BlobProgress p) {
        return String.format(Locale.ROOT, "%d%%", Math.min(100, 100 * p.bytes() / p.total()));
    }

    /** {@code text} and its timer right-aligned, the text cut to make room when it must. */
    static String withTimer(String text, Duration elapsed, int width) {
        String timer = PlainRenderer.oneDecimal(elapsed);
        String clean = clean(text);
        if (width < timer.length() + 4) {
            return fit(clean, width);
        }
        int room = width - timer.length() - 1;
        String left = fit(clean, room);
        return left + " ".repeat(Math.max(1, width - left.length() - timer.length())) + timer;
    }

    /** One terminal row at most: control characters (a RUN's colours, carriage returns) out, cut with "...". */
    static String fit(String text, int width) {
        String clean = clean(text);
        if (clean.length() <= width) {
            return clean;
        }
        return width <= 3 ? clean.substring(0, width) : clean.substring(0, width - 3) + "...";
    }

    private static String clean(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                b.append("    ");
            } else if (c == '\u001b') {
                i = skipEscape(text, i);
            } else if (!Character.isISOControl(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Skips an ANSI escape sequence (CSI: ESC [ params final-byte); returns its last index. */
    private static int skipEscape(String text, int i) {
        if (i + 1 < text.length() && text.charAt(i + 1) == '[') {
            int j = i + 2;
            while (j < text.length() && (text.charAt(j) < '@' || text.charAt(j) > '~')) {
                j++;
            }
            return j;
        }
        return i + 1 < text.length() ? i + 1 : i;
    }
}
