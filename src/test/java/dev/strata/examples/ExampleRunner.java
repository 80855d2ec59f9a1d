package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Runs an example's scripts and builds as its README does: a {@code strata} command on this test's
 * classes (the examples' scripts take its path) and one STRATA_HOME per name under {@code tmp}.
 */
final class ExampleRunner {
    private final Path tmp;
    private final Path strata;

    ExampleRunner(Path tmp) throws IOException {
        this.tmp = tmp;
        this.strata = tmp.resolve("strata");
        Files.writeString(
                strata,
                "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                        + System.getProperty("java.class.path") + "' dev.strata.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(strata, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The path of the {@code strata} command. */
    String strata() {
        return strata.toString();
    }

    /** Runs {@code cmd} with the store {@code tmp/home}; it must exit 0. */
    String run(String... cmd) throws IOException, InterruptedException {
        return runIn("home", cmd);
    }

    /** Runs {@code cmd} with the store {@code tmp/HOME}; it must exit 0; its output, stderr included. */
    String runIn(String home, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", tmp.resolve(home).toString());
        // the examples' images carry real times, as a user's build without SOURCE_DATE_EPOCH does
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
