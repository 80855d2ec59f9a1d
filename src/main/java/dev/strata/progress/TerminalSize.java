package dev.strata.progress;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The terminal's columns and rows; the live view fits its lines into them. */
public record TerminalSize(int columns, int rows) {
    /** What a terminal that cannot be asked is taken to be. */
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    /**
     * Asks the controlling terminal ({@code stty size < /dev/tty}; Java has no call for it), else
     * {@code $COLUMNS}/{@code $LINES}, else {@link #DEFAULT}. Cheap enough to ask again once a second,
     * which is how a resized window is noticed.
     */
    public static Supplier<TerminalSize> probe() {
        return () -> stty().orElseGet(TerminalSize::fromEnvironment);
    }

    private static Optional<TerminalSize> stty() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return Optional.empty();
            }
            String[] parts = out.split("\\s+");
            return parts.length == 2 ? valid(parse(parts[1]), parse(parts[0])) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static TerminalSize fromEnvironment() {
        return valid(parse(System.getenv("COLUMNS")), parse(System.getenv("LINES")))
                .orElse(DEFAULT);
    }

    private static Optional<TerminalSize> valid(int columns, int rows) {
        return columns > 0 && rows > 0 ? Optional.of(new TerminalSize(columns, rows)) : Optional.empty();
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
