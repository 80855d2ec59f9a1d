package dev.strata.progress;

import dev.strata.error.StrataException;
import java.io.PrintStream;

/** Picks a renderer for --progress=plain|tty|json|auto; auto is tty on a terminal, else plain. */
public final class Renderers {
    private Renderers() {}

    public static ProgressListener forMode(String mode, PrintStream out, boolean isTty) {
        return switch (mode) {
            case "plain" -> new PlainRenderer(out);
            case "json" -> new JsonRenderer(out);
            // auto: redraws need a terminal; into a file or pipe they would be escape-code noise.
            // tty asked for explicitly is honoured (a log viewer that understands ANSI, `script`)
            case "tty" -> new TtyRenderer(out);
            case "auto" -> isTty ? new TtyRenderer(out) : new PlainRenderer(out);
            default ->
                throw StrataException.input("unknown progress mode '" + mode + "': use plain, tty, json or auto");
        };
    }
}
