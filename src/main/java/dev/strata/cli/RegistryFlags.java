package dev.strata.cli;

import dev.strata.registry.RegistryOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options every registry command shares: insecure registries, auth file, CA directory. */
final class RegistryFlags {
    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable). Loopback registries always may.")
    List<String> insecure = new ArrayList<>();

    @Option(
            names = "--authfile",
            paramLabel = "FILE",
            description =
                    "Credentials file to read first and to write on login (default: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json).")
    Optional<Path> authFile = Optional.empty();

    @Option(
            names = "--cert-dir",
            paramLabel = "DIR",
            description = "Directory of HOST[:PORT]/ca.crt registry CA certificates (default: /etc/docker/certs.d).")
    Optional<Path> certDir = Optional.empty();

    RegistryOptions options() {
        RegistryOptions o = RegistryOptions.defaults().withInsecureRegistries(Set.copyOf(insecure));
        if (authFile.isPresent()) {
            o = o.withAuthFile(authFile);
        }
        if (certDir.isPresent()) {
            o = o.withCertsDir(certDir.get());
        }
        return o;
    }
}
