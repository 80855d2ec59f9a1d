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
 * examples/node as its README runs it: make-base.sh imports a node base from this machine's files
 * (no network), then three builds on one store: the first fetches every dependency into the cache
 * mount, a changed server.js hits the install step, and a changed package.json re-runs it, finding
 * the packages fetched before in the cache mount. Slow (a 100 MB node binary imported): -Plong.
 */
@Tag("slow")
class NodeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theInstallStepHitsOrFindsItsPackagesInTheCacheMount() throws Exception {
        ExampleRunner runner = new ExampleRunner(tmp);
        String strata = runner.strata();
        runner.run("examples/node/make-base.sh", strata);
        Path ctx = tmp.resolve("ctx");
        Files.createDirectories(ctx);
        try (Stream<Path> files = Files.list(Path.of("examples/node"))) {
            for (Path f : files.toList()) {
                Files.copy(f, ctx.resolve(f.getFileName().toString()));
            }
        }
        List<String> build =
                new ArrayList<>(List.of(strata, "build", "--progress=plain", "-t", "node-app:dev", ctx.toString()));
        String first = runner.run(build.toArray(String[]::new));
        assertThat(first).contains("fetching: left-pad@1.3.0").contains("fetching: is-even@1.0.0");

        Files.writeString(ctx.resolve("server.js"), "\nconsole.log('v2');\n", StandardOpenOption.APPEND);
        String second = runner.run(build.toArray(String[]::new));
        assertThat(second).doesNotContain("fetching:").doesNotContain("cache hit:");
        assertThat(second).containsPattern("(?m)^#\\d+ MISS COPY server.js ./ ");

        Files.writeString(
                ctx.resolve("package.json"),
                Files.readString(ctx.resolve("package.json"))
                        .replace("\"is-even\": \"1.0.0\"", "\"is-even\": \"1.0.0\", \"is-odd\": \"3.0.1\""));
        String third = runner.run(build.toArray(String[]::new));
        assertThat(third)
                .contains("cache hit: left-pad@1.3.0")
                .contains("cache hit: is-even@1.0.0")
                .contains("fetching: is-odd@3.0.1");
    }
}
