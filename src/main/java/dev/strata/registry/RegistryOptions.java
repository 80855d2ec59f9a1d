package dev.strata.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link RegistryClient} reaches registries and finds credentials. Everything the client would
 * otherwise read from the environment is a field here, so tests can point it at temp directories.
 *
 * @param insecureRegistries hosts (host[:port]) spoken to over plain HTTP (loopback hosts always are,
 *                           unless a CA directory exists for them)
 * @param authFile           an explicit auth file ({@code --authfile}, {@code $REGISTRY_AUTH_FILE}); read
 *                           first and the one {@code strata login} writes
 * @param dockerConfigDir    the docker config directory ({@code $DOCKER_CONFIG}, else {@code ~/.docker})
 * @param certsDir           where {@code HOST/ca.crt} custom CAs live ({@code /etc/docker/certs.d})
 * @param helperPath         directories searched for {@code docker-credential-NAME} programs ({@code $PATH})
 * @param parallelism        how many blobs move at once
 * @param maxAttempts        attempts per request on 408/429/5xx and connection resets
 * @param backoff            the first retry delay; it doubles, with jitter, up to 10 s
 * @param chunkSize          blobs larger than this are uploaded in chunks of this size
 * @param timeout            connect timeout and the longest wait for response headers
 */
public record RegistryOptions(
        Set<String> insecureRegistries,
        Optional<Path> authFile,
        Path dockerConfigDir,
        Path certsDir,
        List<Path> helperPath,
        int parallelism,
        int maxAttempts,
        Duration backoff,
        long chunkSize,
        Duration timeout) {

    public RegistryOptions {
        insecureRegistries = Set.copyOf(insecureRegistries);
        helperPath = List.copyOf(helperPath);
        if (parallelism < 1 || maxAttempts < 1 || chunkSize < 1) {
            throw new IllegalArgumentException("parallelism, maxAttempts and chunkSize must be positive");
        }
    }

    /** Options from this process's environment: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG, $PATH, $HOME. */
    public static RegistryOptions defaults() {
        // $HOME as docker reads it; the JVM's user.home comes from the passwd entry instead
        String home = Optional.ofNullable(System.getenv("HOME"))
                .filter(h -> !h.isBlank())
                .orElse(System.getProperty("user.home"));
        return fromEnvironment(System.getenv(), Path.of(home));
    }

    /** Options from a given environment and home directory (what {@link #defaults()} uses). */
    public static RegistryOptions fromEnvironment(Map<String, String> env, Path home) {
        Optional<Path> authFile = Optional.ofNullable(env.get("REGISTRY_AUTH_FILE"))
                .filter(s -> !s.isBlank())
                .map(Path::of);
        Path dockerDir = Optional.ofNullable(env.get("DOCKER_CONFIG"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(home.resolve(".docker"));
        List<Path> path = new ArrayList<>();
        for (String p : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            if (!p.isEmpty()) {
                path.add(Path.of(p));
            }
        }
        return new RegistryOptions(
                Set.of(),
                authFile,
                dockerDir,
                Path.of("/etc/docker/certs.d"),
                path,
                6,
                5,
                Duration.ofMillis(250),
                32L << 20,
                Duration.ofSeconds(30));
    }

    public RegistryOptions withInsecureRegistries(Set<String> hosts) {
        return new RegistryOptions(
                hosts,
                authFile,
                dockerConfigDir,
                certsDir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withAuthFile(Optional<Path> file) {
        return new RegistryOptions(
                insecureRegistries,
                file,
                dockerConfigDir,
                certsDir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withDockerConfigDir(Path dir) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dir,
                certsDir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withCertsDir(Path dir) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                dir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withHelperPath(List<Path> dirs) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                certsDir,
                dirs,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withRetries(int attempts, Duration firstBackoff) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                certsDir,
                helperPath,
                parallelism,
                attempts,
                firstBackoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withChunkSize(long bytes) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                certsDir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                bytes,
                timeout);
    }

    public RegistryOptions withParallelism(int n) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                certsDir,
                helperPath,
                n,
                maxAttempts,
                backoff,
                chunkSize,
                timeout);
    }

    public RegistryOptions withTimeout(Duration t) {
        return new RegistryOptions(
                insecureRegistries,
                authFile,
                dockerConfigDir,
                certsDir,
                helperPath,
                parallelism,
                maxAttempts,
                backoff,
                chunkSize,
                t);
    }
}
