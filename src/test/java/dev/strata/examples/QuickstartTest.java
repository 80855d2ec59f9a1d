package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, examples/quickstart/run.sh, run twice on one fresh STRATA_HOME: both
 * runs succeed, the base comes from `strata import`, the second run's local build is all cached, and
 * in each run the second CI job (an empty store, a registry cache) hits every step but the one whose
 * file changed, says why that one missed, and the script stops the registry it started.
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
    void runShWorksTwiceFromAFreshStoreAndTheSecondCiJobHitsTheRegistryCache() throws Exception {
        assertThat(Files.readString(Path.of("examples/quickstart/Dockerfile")))
                .contains("ARG BASE=quickstart/busybox:latest")
                .contains("FROM ${BASE}");
        Path jar = launcherJar();
        Path home = tmp.resolve("home");
        String first = run(jar, home);
        assertThat(local(first))
                .contains("strata import")
                .contains("RUN echo 123")
                .contains("DONE")
                .contains("quickstart/app")
                .contains("quickstart/busybox");
        String job1 = between(first, "== CI job 1", "== CI job 2");
        assertThat(job1).contains("0 of 6 steps cached").contains("pushed 127.0.0.1:");
        String job2 = first.substring(first.indexOf("== CI job 2"));
        assertThat(job2)
                .contains("importing cache 127.0.0.1:")
                .containsPattern(
                        "(?m)^#6 HIT  RUN echo 123 \\(from registry:127\\.0\\.0\\.1:\\d+/quickstart/app:buildcache\\)")
                .containsPattern("(?m)^#7 MISS COPY ./run_test.py /usr/src/app/run_test.py "
                        + "\\(file /usr/src/app/run_test.py changed\\)")
                .contains("5 of 6 steps cached")
                .containsPattern("(?m)^\\d+ layers \\([0-9.]+ [KM]iB\\) of the image never downloaded")
                .containsPattern(
                        "== done: job 2 reused 5 steps from the registry cache; \\d+ layers \\([0-9.]+ [KM]iB\\) "
                                + "were never downloaded");
        assertRegistryStopped(first);

        String second = run(jar, home);
        String again = local(second);
        assertThat(again).doesNotContain(" MISS").doesNotContain(" DONE ");
        assertThat(again).contains("#7 CACHED");
        String digest = local(first).substring(local(first).lastIndexOf("(manifest "));
        assertThat(again).contains(digest.substring(0, digest.indexOf(')')));
        assertThat(second).contains("5 of 6 steps cached");
    }

    /** The part that builds on the local store (before the registry starts). */
    private static String local(String out) {
        return between(out, "== strata import", "== starting docker-registry");
    }

    private static String between(String out, String from, String to) {
        int a = out.indexOf(from);
        int b = out.indexOf(to, a);
        assertThat(a).as(out).isNotNegative();
        assertThat(b).as(out).isGreaterThan(a);
        return out.substring(a, b);
    }

    /** The script stops the registry it started: nothing answers on its port any more. */
    private static void assertRegistryStopped(String out) {
        Matcher m = Pattern.compile("starting docker-registry on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        int port = Integer.parseInt(m.group(1));
        assertThatThrownBy(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.getPort();
                    }
                })
                .as("registry on port " + port + " still running")
                .isInstanceOf(IOException.class);
    }
}
