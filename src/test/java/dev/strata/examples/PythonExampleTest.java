package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/python as its README runs it: make-base.sh imports a base from this machine's Debian
 * python3 (no network); the first build runs the app's tests in a RUN step, a changed app.py
 * reuses the requirements step and runs the tests again. Slow (a 40 MB standard library): -Plong.
 */
@Tag("slow")
class PythonExampleTest {
    @TempDir
    Path tmp;

    private Path strata() throws Exception {
        Path s = tmp.resolve("strata");
        Files.writeString(
                s,
                "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                        + System.getProperty("java.class.path") + "' dev.strata.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    private String run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", tmp.resolve("home").toString());
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void theTestsRunInTheBuildAndACodeChangeReusesTheRequirementsStep() throws Exception {
        Path strata = strata();
        run("examples/python/make-base.sh", strata.toString());
        Path ctx = tmp.resolve("ctx");
        Files.createDirectories(ctx);
        try (Stream<Path> files = Files.list(Path.of("examples/python"))) {
            for (Path f : files.toList()) {
                Files.copy(f, ctx.resolve(f.getFileName().toString()));
            }
        }
        List<String> build = new ArrayList<>(
                List.of(strata.toString(), "build", "--progress=plain", "-t", "python-app:dev", ctx.toString()));
        String first = run(build.toArray(String[]::new));
        assertThat(first)
                .contains("requirements: requests")
                .contains("test_greets_by_name")
                .contains("OK");

        Files.writeString(ctx.resolve("app.py"), "\n# v2\n", StandardOpenOption.APPEND);
        String second = run(build.toArray(String[]::new));
        assertThat(second).containsPattern("(?m)^#\\d+ HIT  RUN python3 -c ");
        assertThat(second).containsPattern("(?m)^#\\d+ MISS COPY app.py run_test.py ./ ");
        assertThat(second).contains("test_greets_by_name");
    }
}
