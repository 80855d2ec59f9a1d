package dev.strata.cli;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata copy SRC DST}: registry to registry, manifests byte for byte, blobs mounted when possible. */
@Command(
        name = "copy",
        mixinStandardHelpOptions = true,
        description = "Copy an image (or a whole multi-platform index) from one registry reference to another.")
public final class CopyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            description = "Copy only this platform's image of an index (default: the whole index).")
    Optional<String> platform = Optional.empty();

    @Parameters(index = "0", paramLabel = "SRC")
    String source;

    @Parameters(index = "1", paramLabel = "DST")
    String target;

    @Override
    public void run() {
        Reference src = Reference.parse(source);
        Reference dst = Reference.parse(target);
        Descriptor d = RegistryClient.create(flags.options()).copy(src, dst, platform.map(Platform::parse));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Copied %s to %s (%s)%n", src.familiar(), dst.familiar(), d.digest());
        out.flush();
    }
}
