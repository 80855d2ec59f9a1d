package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.registry.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/java as its README runs it: make-base.sh imports a JDK+Maven base and a libraries-only
 * run base from this machine's files, make-repo.sh gathers the plugins Maven needs offline; the
 * build compiles with Maven in the builder stage and checks {@code java -jar} in the final stage,
 * whose files hold the jar and a jlink-ed runtime but no javac or Maven. A second build, on an
 * empty store, hits every step from the registry cache. Slow (a 250 MB JDK imported): -Plong.
 */
@Tag("slow")
class JavaExampleTest {
    @TempDir
    Path tmp;

    @Test
    void mavenBuildsInTheBuilderAndTheFinalStageOnlyRunsTheJar() throws Exception {
        ExampleRunner runner = new ExampleRunner(tmp);
        String strata = runner.strata();
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        for (String f : List.of("Dockerfile", "pom.xml", "make-repo.sh")) {
            Files.copy(Path.of("examples/java", f), ctx.resolve(f));
        }
        Path src = Path.of("examples/java/src");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, ctx.resolve("src").resolve(src.relativize(f).toString()));
            }
        }
        runner.runIn("home", "examples/java/make-base.sh", strata);
        runner.runIn("home", ctx.resolve("make-repo.sh").toString());
        assertThat(ctx.resolve("m2/org/apache/maven/plugins/maven-compiler-plugin"))
                .isDirectory();

        try (RegistryFixture registry = RegistryFixture.plain()) {
            String host = registry.host();
            for (String base : List.of("java-build-base", "java-run-base")) {
                runner.runIn(
                        "home", strata, "push", "examples/" + base + ":latest", host + "/examples/" + base + ":latest");
            }
            String cache = host + "/examples/java-app:buildcache";
            Map<String, String> images = Map.of("first", "java-app:first", "second", "java-app:second");
            List<String> build = List.of(
                    strata,
                    "build",
                    "--progress=plain",
                    "--build-arg",
                    "BUILD_BASE=" + host + "/examples/java-build-base:latest",
                    "--build-arg",
                    "RUN_BASE=" + host + "/examples/java-run-base:latest",
                    "--cache-from",
                    cache,
                    "--cache-to",
                    "type=registry,ref=" + cache + ",mode=max");
            Path finalTar = tmp.resolve("final.tar");
            String first = runner.runIn(
                    "first",
                    concat(build, "-t", images.get("first"), "-o", "type=tar,dest=" + finalTar, ctx.toString()));
            assertThat(first).contains("hello from java 17");

            String files = new String(
                    new ProcessBuilder("tar", "-tf", finalTar.toString())
                            .redirectErrorStream(true)
                            .start()
                            .getInputStream()
                            .readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(files)
                    .contains("app/app.jar")
                    .contains("opt/jre/bin/java")
                    .doesNotContain("bin/javac")
                    .doesNotContain("maven")
                    .doesNotContain("jmods");

            String second = runner.runIn("second", concat(build, "-t", images.get("second"), ctx.toString()));
            assertThat(second)
                    .containsPattern("(?m)^#\\d+ HIT  RUN mvn -B -q -o package")
                    .containsPattern("(?m)^#\\d+ HIT  RUN java -jar /app/app.jar")
                    .doesNotContain(" MISS ")
                    .doesNotContain("hello from java");
        }
    }

    private static String[] concat(List<String> head, String... tail) {
        return Stream.concat(head.stream(), Stream.of(tail)).toArray(String[]::new);
    }
}
