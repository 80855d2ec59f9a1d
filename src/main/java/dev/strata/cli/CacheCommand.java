package dev.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata cache}: look into and trim an exported cache (a registry ref or a directory). */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Inspect or prune an exported build cache (a registry cache ref or a type=local directory).",
        subcommands = {CacheInspectCommand.class, CachePruneCommand.class})
public final class CacheCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: strata cache inspect|prune REF|DIR");
    }
}
