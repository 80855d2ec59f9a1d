package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/strata records a class-data-sharing archive on its first run with a jar and uses it after:
 * output stays exactly the command's, the archive is used, a rebuilt jar replaces its archive, and
 * no archive that fails to map is ever used. The jar is made here from the compiled classes (the
 * fat jar is built after the tests); CDS needs jars, not class directories.
 */
class LauncherTest {
    @TempDir
    static Path jars;

    @TempDir
    Path tmp;

    private static Path appJar;

    private record Result(int code, String out, String err) {}

    @BeforeAll
    static void makeAppJar() throws IOException {
        List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.strata.cli.Main");
        m.getMainAttributes()
                .put(
                        Attributes.Name.CLASS_PATH,
                        classpath.stream()
                                .filter(p -> p.endsWith(".jar"))
                                .map(p -> Path.of(p).toAbsolutePath().toUri().toString())
                                .collect(Collectors.joining(" ")));
        Path classes = Path.of("target/classes").toAbsolutePath();
        appJar = jars.resolve("strata.jar");
        try (OutputStream out = Files.newOutputStream(appJar);
                JarOutputStream j = new JarOutputStream(out, m);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    private Result strata(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(
                                Stream.of(Path.of("bin/strata").toAbsolutePath().toString()), Stream.of(args))
                        .toList())
                .directory(tmp.toFile());
        pb.environment().put("STRATA_JAR", appJar.toString());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().remove("STRATA_CDS");
        pb.environment().remove("STRATA_JAVA_OPTS");
        // the java on PATH (JDK 17 here) unless a test picks another: its CDS archive is what these check
        pb.environment().put("STRATA_JAVA", "path");
        pb.environment().putAll(env);
        pb.redirectError(tmp.resolve("stderr").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        return new Result(code, out, Files.readString(tmp.resolve("stderr")));
    }

    private List<Path> archives() throws IOException {
        Path dir = tmp.resolve("cache/strata");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static String version() {
        return new VersionProvider().getVersion()[0];
    }

    @Test
    void theFirstRunRecordsAnArchiveThatLaterRunsLoadStrataFrom() throws Exception {
        Result first = strata(Map.of(), "--version");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo(version() + "\n");
        assertThat(first.err()).isEmpty();
        assertThat(archives()).hasSize(1);
        assertThat(archives().get(0).getFileName().toString()).matches("classes-\\d+-\\d+\\.jsa");
        assertThat(Files.size(archives().get(0))).isGreaterThan(1 << 20);

        Result second = strata(Map.of("STRATA_JAVA_OPTS", "-Xlog:class+load"), "--version");
        assertThat(second.code()).isZero();
        String main = second.out()
                .lines()
                .filter(l -> l.contains(" dev.strata.cli.Main "))
                .findFirst()
                .orElseThrow();
        assertThat(main).contains("shared objects file (top)");
        // picocli's classes (class file version 49) cannot be archived, nor ours that implement its interfaces
        assertThat(second.out()
                        .lines()
                        .filter(l -> l.contains("shared objects file (top)"))
                        .count())
                .as("classes loaded from the archive recorded for this jar")
                .isGreaterThan(100);
    }

    /** Where the machines' notes say a JDK 25 is installed next to the default JDK 17. */
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @Test
    void withAJdk25TheLauncherRecordsAnAotCacheAndLoadsFromIt() throws Exception {
        assumeTrue(Files.isExecutable(JDK25), "no JDK 25 at " + JDK25 + " (Debian 12's JDK 17 path is tested above)");
        Map<String, String> env = Map.of("STRATA_JAVA", JDK25.toString());
        Result first = strata(env, "--version");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo(version() + "\n");
        assertThat(first.err()).isEmpty();
        assertThat(archives()).hasSize(1);
        assertThat(archives().get(0).getFileName().toString()).matches("classes-\\d+-\\d+\\.aot");

        Map<String, String> logged = new HashMap<>(env);
        logged.put("STRATA_JAVA_OPTS", "-Xlog:class+load");
        Result second = strata(logged, "--version");
        assertThat(second.code()).isZero();
        assertThat(second.out()
                        .lines()
                        .filter(l -> l.contains(" dev.strata.cli.Main "))
                        .findFirst()
                        .orElseThrow())
                .contains("shared objects file");
    }

    @Test
    void aRebuiltJarReplacesItsArchiveInsteadOfAddingOne() throws Exception {
        Path jar = tmp.resolve("own.jar");
        Files.copy(appJar, jar);
        Map<String, String> env = Map.of("STRATA_JAR", jar.toString());
        assertThat(strata(env, "--version").code()).isZero();
        List<Path> before = archives();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        assertThat(strata(env, "--version").out()).isEqualTo(version() + "\n");

        assertThat(archives()).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void withCdsOffOrNoWritableCacheStrataStillRuns() throws Exception {
        Result off = strata(Map.of("STRATA_CDS", "0"), "--version");
        assertThat(off.out()).isEqualTo(version() + "\n");
        assertThat(tmp.resolve("cache")).doesNotExist();

        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        Result nowhere = strata(Map.of("XDG_CACHE_HOME", notADir.toString()), "--version");
        assertThat(nowhere.code()).isZero();
        assertThat(nowhere.out()).isEqualTo(version() + "\n");
        assertThat(nowhere.err()).isEmpty();
    }

    @Test
    void anArchiveThatCannotBeMappedIsNeverUsed() throws Exception {
        // a java that "records" a truncated archive, as a training killed while writing would leave
        Path good = tmp.resolve("good.jsa");
        assertThat(new ProcessBuilder(
                                "java",
                                "-Xlog:disable",
                                "-XX:ArchiveClassesAtExit=" + good,
                                "-jar",
                                appJar.toString(),
                                "--version")
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("dump.log").toFile())
                        .start()
                        .waitFor())
                .isZero();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        String realJava =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                fakeJava,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*)",
                        "  head -c " + Files.size(good) / 3 + " '" + good + "' > \"${a#*=}\"; exit 0;; esac; done",
                        "exec '" + realJava + "' \"$@\"",
                        ""));
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        Result r = strata(Map.of("PATH", bin + ":" + System.getenv("PATH")), "--version");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(version() + "\n");
        assertThat(archives()).hasSize(1);
        assertThat(Files.size(archives().get(0)))
                .as("an empty archive says: do not try again")
                .isZero();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
        }
        assertThat(strata(Map.of("PATH", bin + ":" + System.getenv("PATH")), "--version")
                        .out())
                .isEqualTo(version() + "\n");
    }
}
