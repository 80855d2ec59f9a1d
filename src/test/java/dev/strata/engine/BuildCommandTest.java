package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata build} in a real JVM process with its own STRATA_HOME: flags, outputs, exit codes. */
class BuildCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out) {}

    Run strata(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", dir.resolve("home").toString());
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void buildsTagsWritesFilesAndShowsCachedTheSecondTime() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\nCMD [\"/a\"]\n");
        Files.writeString(ctx.resolve("a.txt"), "A");
        Path iid = dir.resolve("iid");
        Path meta = dir.resolve("meta.json");
        Path oci = dir.resolve("out.tar");
        Run first = strata(
                "build",
                "--progress=plain",
                "-t",
                "cli/demo:1",
                "-t",
                "cli/demo:latest",
                "--iidfile",
                iid.toString(),
                "--metadata-file",
                meta.toString(),
                "--output",
                "type=docker,dest=" + oci,
                ctx.toString());
        assertThat(first.code()).as(first.out()).isZero();
        assertThat(first.out())
                .contains("#1 [stage-0 2/2] COPY a.txt /a.txt")
                .contains("#1 MISS: no earlier build of this step on this parent in local")
                .contains("#1 DONE ")
                .contains("0 of 1 steps cached")
                .contains("naming to docker.io/cli/demo:1");
        assertThat(Files.readString(iid)).startsWith("sha256:");
        var metadata = new ObjectMapper().readTree(Files.readString(meta));
        // buildx's keys: full image names, the manifest descriptor beside its digest
        assertThat(metadata.path("image.name").asText()).isEqualTo("docker.io/cli/demo:1,docker.io/cli/demo:latest");
        assertThat(metadata.path("containerimage.descriptor").path("digest").asText())
                .isEqualTo(metadata.path("containerimage.digest").asText())
                .startsWith("sha256:");
        assertThat(metadata.path("containerimage.descriptor").path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(metadata.path("containerimage.descriptor").path("size").asLong())
                .isPositive();
        assertThat(metadata.path("containerimage.config.digest").asText()).isEqualTo(Files.readString(iid));
        assertThat(Files.size(oci)).isPositive();
        Path report = dir.resolve("cache-report.json");
        Run second = strata(
                "build", "--progress=plain", "-t", "cli/demo:1", "--cache-report", report.toString(), ctx.toString());
        assertThat(second.code()).as(second.out()).isZero();
        assertThat(second.out())
                .contains("#1 CACHED")
                .contains("#1 HIT  COPY a.txt /a.txt (from local)")
                .contains("1 of 1 steps cached")
                .doesNotContain("MISS");
        var json = new ObjectMapper().readTree(Files.readString(report));
        assertThat(json.path("hits").asInt()).isEqualTo(1);
        assertThat(json.path("steps").get(0).path("source").asText()).isEqualTo("local");
        assertThat(json.path("steps").get(0).path("layer").asText()).startsWith("sha256:");
        Run images = strata("images");
        assertThat(images.out()).contains("cli/demo").contains("latest");
    }

    @Test
    void exitCodesForBadInput() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY missing.txt /\n");
        Run missing = strata("build", "--progress=plain", ctx.toString());
        assertThat(missing.code()).as(missing.out()).isEqualTo(2);
        assertThat(missing.out())
                .contains("Dockerfile:2")
                .contains("missing.txt")
                .doesNotContain("Exception");
        Run badProgress = strata("build", "--progress=loud", ctx.toString());
        assertThat(badProgress.code()).isEqualTo(2);
        Run badSecret = strata("build", "--secret", "id=x,src=" + dir.resolve("nope"), ctx.toString());
        assertThat(badSecret.code()).isEqualTo(2);
        assertThat(badSecret.out()).contains("cannot read");
        Files.writeString(ctx.resolve("Dockerfile"), "FROM 127.0.0.1:9/x:1\n");
        Run noBase = strata("build", ctx.toString());
        assertThat(noBase.code()).as(noBase.out()).isEqualTo(3);
        assertThat(noBase.out()).contains("strata pull");
    }

    @Test
    void sourceDateEpochSetsTheTimestampsAndJsonProgressIsOneObjectPerLine() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
        Files.writeString(ctx.resolve("a.txt"), "A");
        Run r = strata(
                "build",
                "--progress=json",
                "--build-arg",
                "SOURCE_DATE_EPOCH=1700000000",
                "-t",
                "sde:1",
                ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out().lines().filter(l -> !l.isBlank()))
                .allSatisfy(l ->
                        assertThat(new ObjectMapper().readTree(l).has("type")).isTrue());
        assertThat(r.out())
                .contains("\"type\":\"build.done\"")
                .contains("\"type\":\"cache.summary\",\"hits\":0,\"total\":1")
                .contains("\"miss\":\"no earlier build of this step on this parent in local\"");
        assertThat(strata("images").out()).contains("2023-11-14T22:13:20Z");
        Run tty = strata("build", "--progress=tty", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", ctx.toString());
        assertThat(tty.code()).as(tty.out()).isZero();
        assertThat(tty.out())
                .contains("#1 [stage-0 2/2] COPY a.txt /a.txt\n#1 CACHED")
                .contains("\033[");
    }

    /** strata as user nobody: its class path is copied where nobody can read it (/root is private). */
    Run asNobody(Path home, String... args) throws Exception {
        Path cp = dir.resolve("cp");
        if (!Files.exists(cp)) {
            Files.createDirectories(cp);
            int n = 0;
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path src = Path.of(e);
                Path dst = cp.resolve((n++) + "-" + src.getFileName());
                new ProcessBuilder("cp", "-r", src.toString(), dst.toString())
                        .start()
                        .waitFor();
            }
        }
        StringBuilder classPath = new StringBuilder();
        try (var s = Files.list(cp)) {
            s.sorted()
                    .forEach(p ->
                            classPath.append(classPath.length() == 0 ? "" : ":").append(p));
        }
        new ProcessBuilder("chmod", "-R", "a+rwX", dir.toString()).start().waitFor();
        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath.toString(),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment().put("HOME", dir.toString());
        // without its own user namespace (RootlessBuildTest has the one it makes)
        pb.environment().put("STRATA_ROOTLESS", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void withoutRootScratchAndCopyBuildAndARunIsExit4WithTheLine() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(
                ctx.resolve("Dockerfile"), "FROM scratch\nWORKDIR /app\nCOPY a.txt ./\nCOPY --chown=5:5 a.txt /b/\n");
        Files.writeString(ctx.resolve("a.txt"), "A");
        Path home = dir.resolve("nobody-home");
        Run ok = asNobody(home, "build", "--progress=plain", "-t", "nr:1", ctx.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
        Files.writeString(ctx.resolve("Dockerfile"), "FROM nr:1\nRUN echo hi\n");
        Run run = asNobody(home, "build", "--progress=plain", ctx.toString());
        assertThat(run.code()).as(run.out()).isEqualTo(4);
        assertThat(run.out()).contains("Dockerfile:2:1").contains("need root").contains("strata doctor");
    }

    /** A context directory with this Dockerfile and one file, f. */
    private Path context(String name, String dockerfile) throws Exception {
        Path ctx = Files.createDirectories(dir.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
        Files.writeString(ctx.resolve("f"), "F");
        return ctx;
    }

    @Test
    void labelsGoOnTheImageOverTheDockerfilesAndNeverMissTheCache() throws Exception {
        Path ctx = context("labels", "FROM scratch\nLABEL a=1 b=2\nCOPY f /f\n");
        Run first = strata(
                "build",
                "--progress=plain",
                "-t",
                "cli/labels:1",
                "--label",
                "b=cli",
                "--label",
                "org.opencontainers.image.revision=abc123",
                "--label",
                "empty",
                ctx.toString());
        assertThat(first.code()).as(first.out()).isZero();
        var config = new ObjectMapper()
                .readTree(strata("inspect", "cli/labels:1").out())
                .path("config")
                .path("config")
                .path("Labels");
        assertThat(config.path("a").asText()).isEqualTo("1");
        assertThat(config.path("b").asText()).isEqualTo("cli");
        assertThat(config.path("org.opencontainers.image.revision").asText()).isEqualTo("abc123");
        assertThat(config.has("empty")).isTrue();
        assertThat(config.path("empty").asText()).isEmpty();

        Run other = strata("build", "--progress=plain", "-t", "cli/labels:2", "--label", "b=other", ctx.toString());
        assertThat(other.code()).as(other.out()).isZero();
        assertThat(other.out()).contains("#1 CACHED").doesNotContain("MISS");
        Run bad = strata("build", "--label", "=x", ctx.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).contains("--label \"=x\" has no key");
    }

    @Test
    void quietPrintsOnlyTheImageIdAndTheProgressOnlyWhenTheBuildFails() throws Exception {
        Path ctx = context("quiet", "FROM scratch\nCOPY f /f\n");
        Path iid = dir.resolve("quiet.iid");
        Run ok = strata("build", "-q", "--iidfile", iid.toString(), ctx.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).isEqualTo(Files.readString(iid) + "\n");

        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY f /f\nCOPY missing /m\n");
        Run failed = strata("build", "--quiet", ctx.toString());
        assertThat(failed.code()).isNotZero();
        assertThat(failed.out()).contains("COPY missing /m").contains("missing");
    }

    @Test
    void aDockerfileOnStdinIsBuiltAndItsErrorsNameStdinAndTheLine() throws Exception {
        Path ctx = context("stdin", "FROM scratch\n");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main",
                "build",
                "--progress=plain",
                "-t",
                "cli/stdin:1",
                "-f",
                "-",
                ctx.toString());
        String tmpBefore = String.join(",", tempStdinDirs());
        for (String[] c :
                new String[][] {{"FROM scratch\nCOPY f /from-stdin\n", "0"}, {"FROM scratch\nCOPY f\n", "2"}}) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("STRATA_HOME", dir.resolve("home").toString());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(c[0].getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isEqualTo(Integer.parseInt(c[1]));
            if (c[1].equals("0")) {
                assertThat(out).contains("COPY f /from-stdin");
            } else {
                assertThat(out).contains("strata-stdin-").contains("Dockerfile:2");
            }
        }
        assertThat(String.join(",", tempStdinDirs()))
                .as("temp copies of stdin are removed")
                .isEqualTo(tmpBefore);
    }

    private static List<String> tempStdinDirs() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("strata-stdin-"))
                    .sorted()
                    .toList();
        }
    }
}
