package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    @Test
    void theTestsRunInTheBuildAndACodeChangeReusesTheRequirementsStep() throws Exception {
        ExampleRunner runner = new ExampleRunner(tmp);
        String strata = runner.strata();
        runner.run("examples/python/make-base.sh", strata);
        Path ctx = tmp.resolve("ctx");
        Files.createDirectories(ctx);
        try (Stream<Path> files = Files.list(Path.of("examples/python"))) {
            for (Path f : files.toList()) {
                Files.copy(f, ctx.resolve(f.getFileName().toString()));
            }
        }
        List<String> build =
                new ArrayList<>(List.of(strata, "build", "--progress=plain", "-t", "python-app:dev", ctx.toString()));
        String first = runner.run(build.toArray(String[]::new));
        assertThat(first)
                .contains("requirements: requests")
                .contains("test_greets_by_name")
                .contains("OK");

        Files.writeString(ctx.resolve("app.py"), "\n# v2\n", StandardOpenOption.APPEND);
        String second = runner.run(build.toArray(String[]::new));
        assertThat(second).containsPattern("(?m)^#\\d+ HIT  RUN python3 -c ");
        assertThat(second).containsPattern("(?m)^#\\d+ MISS COPY app.py run_test.py ./ ");
        assertThat(second).contains("test_greets_by_name");
    }
}
