package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.registry.RegistryClient;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** What {@code strata cache inspect} and {@code prune} both take: the cache, registry flags, --format. */
final class CacheArguments {
    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Parameters(index = "0", paramLabel = "REF|DIR", description = "REGISTRY/REPO:TAG, a directory, or type=...")
    String location;

    @CommandLine.Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "text|json",
            description = "text (default) or json")
    String format = "text";

    /** The cache named, after checking --format (a usage error, exit 2, before any request). */
    CacheLocation open() {
        if (!format.equals("text") && !format.equals("json")) {
            throw StrataException.input("unknown --format '" + format + "': use text or json");
        }
        return CacheLocation.parse(location, RegistryClient.create(flags.options()));
    }

    boolean json() {
        return format.equals("json");
    }
}
