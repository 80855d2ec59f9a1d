package dev.strata.cli;

import dev.strata.build.BuildListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * BuildKit-style plain progress: {@code #N [stage i/n] INSTRUCTION}, the command's output as
 * {@code #N line}, then {@code #N CACHED}, {@code #N DONE 0.4s} (with the cache-miss reason) or
 * {@code #N ERROR: ...}; in tty mode the same lines in colour.
 */
final class PlainProgress implements BuildListener {
    private static final String DIM = "\033[2m";
    private static final String BLUE = "\033[34m";
    private static final String GREEN = "\033[32m";
    private static final String RED = "\033[31m";
    private static final String RESET = "\033[0m";
    private final PrintStream out;
    private final boolean colour;

    /** {@code colour}: ANSI colours for a terminal (the {@code tty} mode). */
    PlainProgress(PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    private String c(String code, String text) {
        return colour ? code + text + RESET : text;
    }

    @Override
    public void started(int id, String stage, int index, int total, String instruction) {
        out.println();
        out.println(c(BLUE, "#" + id + " [" + stage + " " + index + "/" + total + "] " + oneLine(instruction)));
    }

    @Override
    public void log(int id, String line) {
        out.println(c(DIM, "#" + id + " " + line));
    }

    @Override
    public void cached(int id, String source) {
        out.println(c(GREEN, "#" + id + " CACHED"));
    }

    @Override
    public void done(int id, Duration elapsed, Optional<String> missReason) {
        missReason.ifPresent(r -> out.println("#" + id + " cache miss: " + r));
        out.printf("#%d DONE %.1fs%n", id, elapsed.toMillis() / 1000.0);
    }

    @Override
    public void failed(int id, String error) {
        out.println(c(RED, "#" + id + " ERROR: " + error));
    }

    @Override
    public void notice(String text) {
        out.println(text);
    }

    @Override
    public void finished(Duration elapsed, Optional<String> imageDigest) {
        out.println();
        out.printf("build finished in %.1fs%n", elapsed.toMillis() / 1000.0);
        out.flush();
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
