package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.exec.Leaks;
import dev.strata.store.Store;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code strata build} with RUN steps in a real JVM process: secrets, network, failures, Ctrl-C. */
class RunCommandTest extends MountCheckedTest {
    private static final String SECRET = "hunter2-Sekret-77";

    @AfterEach
    void noRunLeftovers() throws Exception {
        BuildFixture.assertNoRunLeftovers(dir.resolve("home/tmp"));
    }

    private BuildFixture fixture(String dockerfile) throws Exception {
        BuildFixture f = new BuildFixture(dir, Store.open(dir.resolve("home")));
        BuildFixture.importBusybox(f.store, dir.resolve("busybox-rootfs"));
        return f.files(dockerfile, Map.of());
    }

    private ProcessBuilder strata(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", dir.resolve("home").toString());
        pb.environment().put("TOKEN_VAR", SECRET);
        return pb;
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void secretsFromFileAndEnvNeverReachTheStoreOrTheLog() throws Exception {
        BuildFixture f = fixture("""
                FROM test/busybox:latest
                RUN --mount=type=secret,id=file wc -c < /run/secrets/file > /file-size
                RUN --mount=type=secret,id=tok,env=TOK printf %s "$TOK" | wc -c > /env-size
                RUN --mount=type=secret,id=file,target=/etc/app.key,mode=0440,uid=1000 stat -c '%a %u' /etc/app.key > /st
                """);
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, SECRET);
        Path oci = dir.resolve("out");
        Process p = strata(
                        "build",
                        "--progress=plain",
                        "-t",
                        "sec:1",
                        "--secret",
                        "id=file,src=" + file,
                        "--secret",
                        "id=tok,env=TOKEN_VAR",
                        "--output",
                        "type=oci,dest=" + oci,
                        f.context.toString())
                .start();
        String out = output(p);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).doesNotContain(SECRET);
        assertThat(grep(dir.resolve("home")))
                .as("files in the store holding the secret")
                .isEmpty();
        assertThat(grep(oci)).as("files in the OCI output holding the secret").isEmpty();
        Path root = f.unpack(f.store.image("sec:1").orElseThrow(), "sec");
        assertThat(BuildFixture.read(root.resolve("file-size")).strip()).isEqualTo(Integer.toString(SECRET.length()));
        assertThat(BuildFixture.read(root.resolve("env-size")).strip()).isEqualTo(Integer.toString(SECRET.length()));
        assertThat(BuildFixture.read(root.resolve("st"))).isEqualTo("440 1000\n");
        assertThat(root.resolve("etc/app.key")).doesNotExist();
    }

    /**
     * docs/RELIABILITY.md, secrets: beyond the store and the image, a secret reaches no exported cache
     * (records, layers, skeletons), no --cache-report, no --metadata-file and no JSON progress line.
     */
    @Test
    void secretsReachNoCacheExportReportMetadataOrJsonProgress() throws Exception {
        BuildFixture f = fixture("""
                FROM test/busybox:latest
                RUN --mount=type=secret,id=file cat /run/secrets/file > /dev/null && echo read > /read
                RUN --mount=type=secret,id=tok,env=TOK test -n "$TOK" && echo env > /env
                """);
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, SECRET);
        Path cache = dir.resolve("cache");
        Path meta = dir.resolve("meta.json");
        Path report = dir.resolve("report.json");
        Process p = strata(
                        "build",
                        "--progress=json",
                        "-t",
                        "sec:2",
                        "--secret",
                        "id=file,src=" + file,
                        "--secret",
                        "id=tok,env=TOKEN_VAR",
                        "--cache-to",
                        "type=local,dest=" + cache + ",mode=max",
                        "--metadata-file",
                        meta.toString(),
                        "--cache-report",
                        report.toString(),
                        f.context.toString())
                .start();
        String out = output(p);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("JSON progress").doesNotContain(SECRET).contains("\"");
        assertThat(grep(cache))
                .as("files of the exported cache holding the secret")
                .isEmpty();
        assertThat(Files.readString(meta)).doesNotContain(SECRET);
        assertThat(Files.readString(report)).doesNotContain(SECRET);
        assertThat(grep(dir.resolve("home")))
                .as("files in the store holding the secret")
                .isEmpty();
    }

    @Test
    void aFailingRunShowsItsOutputAndOneErrorLineWithExitOne() throws Exception {
        BuildFixture f = fixture("FROM test/busybox:latest\nRUN echo to-stdout; echo to-stderr >&2; exit 3\n");
        Process p = strata("build", "--progress=plain", "--isolation", "runc", f.context.toString())
                .start();
        String out = output(p);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("to-stdout").contains("to-stderr");
        // the error: one line, the last, with the Dockerfile line and the exit code
        List<String> lines = out.lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .as(out)
                .startsWith("strata: error: ")
                .contains("Dockerfile:2")
                .contains("exited with code 3");
        assertThat(lines.stream().filter(l -> l.startsWith("strata: error")))
                .as(out)
                .hasSize(1);
    }

    @Test
    void networkNoneAndAnUnknownIsolation() throws Exception {
        BuildFixture f = fixture("FROM test/busybox:latest\nRUN ls /sys/class/net > /nets\n");
        Process p = strata(
                        "build",
                        "--progress=plain",
                        "--network",
                        "none",
                        "--isolation",
                        "chroot",
                        "-t",
                        "net:1",
                        f.context.toString())
                .start();
        String out = output(p);
        assertThat(p.exitValue()).as(out).isZero();
        Path root = f.unpack(f.store.image("net:1").orElseThrow(), "net");
        assertThat(BuildFixture.read(root.resolve("nets"))).isEqualTo("lo\n");
        Process bad =
                strata("build", "--isolation", "kata", f.context.toString()).start();
        String badOut = output(bad);
        assertThat(bad.exitValue()).as(badOut).isEqualTo(2);
        assertThat(badOut).contains("--isolation=kata").contains("crun, runc, chroot or none");
    }

    @Test
    void ctrlCDuringARunLeavesNothingBehind() throws Exception {
        // a duration no other test run on this machine uses, to find this step's process
        String sleep = "sleep " + (100000 + new SecureRandom().nextInt(900000));
        BuildFixture f =
                fixture("FROM test/busybox:latest\nRUN --mount=type=cache,target=/c echo begun; exec " + sleep + "\n");
        Process p = strata("build", "--progress=plain", f.context.toString()).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = r.readLine();
            } while (line != null && !line.contains("begun"));
            assertThat(line).as("the RUN step started").isNotNull();
            p.destroy(); // SIGTERM, as Ctrl-C: shutdown hooks run
            assertThat(p.waitFor(20, TimeUnit.SECONDS))
                    .as("strata exits without waiting for the step")
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Leaks.processes(sleep)).as("the step's process is gone").isEmpty();
    }

    /** Files under {@code root} whose bytes (gunzipped when gzip) contain the secret. */
    private static List<Path> grep(Path root) throws IOException {
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(p);
                if (b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
                    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
                        b = in.readAllBytes();
                    }
                }
                if (indexOf(b, needle) >= 0) {
                    hits.add(p);
                }
            }
        }
        return hits;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
