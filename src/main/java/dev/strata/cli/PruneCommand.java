package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.store.Store;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata prune}: deletes blobs no tag or cache record reaches. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = "Delete blobs in the local store that no tag or cache record reaches.")
public final class PruneCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--grace",
            defaultValue = "10m",
            paramLabel = "DURATION",
            description =
                    "keep unreachable blobs younger than this (a running build may not have tagged them yet); e.g. 0s, 30s, 10m, 1h")
    String grace;

    @Override
    public void run() {
        Duration g = parse(grace);
        Store store = Store.open(StoreHome.resolve());
        int n = store.prune(g);
        spec.commandLine().getOut().println("removed " + n + " unreachable blob(s) from " + store.root());
        spec.commandLine().getOut().flush();
    }

    private static Duration parse(String text) {
        var m = Pattern.compile("(\\d+)([smh]?)").matcher(text.trim());
        if (!m.matches()) {
            throw StrataException.input("--grace '" + text + "': expected a number with s, m or h, e.g. 10m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
