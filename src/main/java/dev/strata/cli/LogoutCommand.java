package dev.strata.cli;

import dev.strata.oci.Reference;
import dev.strata.registry.CredentialStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata logout [REGISTRY]}: removes the saved credentials of a registry. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Remove the saved credentials of a registry.")
public final class LogoutCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RegistryFlags flags = new RegistryFlags();

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGISTRY", description = "host[:port] (default: docker.io)")
    Optional<String> registry = Optional.empty();

    @Override
    public void run() {
        String host = host(registry);
        boolean removed = new CredentialStore(flags.options()).erase(host);
        PrintWriter out = spec.commandLine().getOut();
        out.println(removed ? "Removed login credentials for " + host : "Not logged in to " + host);
        out.flush();
    }

    /** host[:port] from what a user typed: a scheme and path are dropped; Docker Hub's aliases fold to docker.io. */
    static String host(Optional<String> given) {
        String h = given.orElse(Reference.DOCKER_HUB)
                .trim()
                .toLowerCase(Locale.ROOT)
                .replaceFirst("^[a-z]+://", "");
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        return switch (h) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> Reference.DOCKER_HUB;
            default -> h;
        };
    }
}
