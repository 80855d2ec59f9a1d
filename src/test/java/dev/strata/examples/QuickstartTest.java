package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, examples/quickstart/run.sh, run twice on one fresh STRATA_HOME: both
 * runs succeed, the base comes from `strata import`, and the second run's builds are all cached.
 * The script runs strata from this test's classes (a launcher jar whose Class-Path names them),
 * since the fat jar is built only after the tests.
 */
class QuickstartTest {
    @TempDir
    Path tmp;

    private Path launcherJar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.strata.cli.Main");
        String cp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toUri().toString())
                .collect(Collectors.joining(" "));
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp);
        Path jar = tmp.resolve("strata-launcher.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, m)) {
            j.finish();
        }
        return jar;
    }

    private String run(Path jar, Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("examples/quickstart/run.sh").redirectErrorStream(true);
        pb.environment().put("STRATA_JAR", jar.toString());
        pb.environment().put("STRATA_HOME", home.toString());
        // a launcher whose classes are directories cannot have a class archive; keep its "no" out of ~/.cache
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void runShWorksTwiceFromAFreshStoreAndTheSecondBuildIsCached() throws Exception {
        assertThat(Files.readString(Path.of("examples/quickstart/Dockerfile")))
                .contains("FROM quickstart/busybox:latest");
        Path jar = launcherJar();
        Path home = tmp.resolve("home");
        String first = run(jar, home);
        assertThat(first)
                .contains("strata import")
                .contains("RUN echo 123")
                .contains("DONE")
                .contains("quickstart/app")
                .contains("quickstart/busybox");
        String second = run(jar, home);
        String[] builds = second.split("== second build");
        assertThat(builds).hasSize(2);
        assertThat(second).doesNotContain("cache miss").doesNotContain(" DONE ");
        assertThat(builds[1]).contains("#7 CACHED");
        String digest = first.substring(first.lastIndexOf("(manifest "));
        assertThat(second).contains(digest.substring(0, digest.indexOf(')')));
    }
}
