package dev.strata.cli;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Shared parsing of {@code --build-arg} and of where the Dockerfile is, as docker does it. */
final class BuildArgs {
    private BuildArgs() {}

    /**
     * {@code NAME=value}, or {@code NAME} alone to take the value from the environment (skipped, like
     * docker, when the environment has no such variable).
     */
    static Map<String, String> parse(List<String> args, Function<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (name.isEmpty()) {
                throw StrataException.input("--build-arg \"" + a + "\" has no name: use --build-arg NAME=value");
            }
            if (eq >= 0) {
                out.put(name, a.substring(eq + 1));
            } else {
                Optional.ofNullable(environment.apply(name)).ifPresent(v -> out.put(name, v));
            }
        }
        return out;
    }

    /**
     * {@code -f -}: the Dockerfile read from {@code in} into {@code strata-stdin-N/Dockerfile} under
     * the temp dir (so errors name "stdin" and a line), removed when strata exits.
     */
    static Path stdinDockerfile(InputStream in) {
        try {
            Path dir = Files.createTempDirectory("strata-stdin-");
            Path f = dir.resolve("Dockerfile");
            // deleted in the reverse order of registration: the file, then its dir
            dir.toFile().deleteOnExit();
            f.toFile().deleteOnExit();
            Files.write(f, in.readAllBytes());
            return f;
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot keep the Dockerfile read from stdin in a temp file: " + e.getMessage(), e);
        }
    }

    /** {@code -f} as given, else {@code CONTEXT/Dockerfile}. */
    static Path dockerfile(Optional<Path> file, String context) {
        return file.orElseGet(() -> Path.of(context).resolve("Dockerfile").normalize());
    }
}
