package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --output type=oci (directory and archive) and type=docker, read back by skopeo and umoci. */
class OutputsTest {
    @TempDir
    Path dir;

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void ociLayoutOciArchiveAndDockerArchiveAreReadableByOtherTools() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .withBusybox()
                .files(
                        "FROM test/busybox:latest\nRUN echo hi > /hi && rm /etc/group\nCOPY a.txt /a.txt\n",
                        Map.of("a.txt", "A"));
        Path layout = Files.createDirectories(dir.resolve("layout"));
        Path ociTar = dir.resolve("image.oci.tar");
        Path dockerTar = dir.resolve("image.docker.tar");
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .tags(List.of("out/app:7"))
                .outputs(List.of(
                        OutputSpec.parse("type=oci,dest=" + layout),
                        OutputSpec.parse("type=oci,dest=" + ociTar),
                        OutputSpec.parse("type=docker,dest=" + dockerTar)))
                .build());
        String digest = r.manifest().digest().toString();
        assertThat(run("skopeo", "inspect", "--raw", "oci:" + layout + ":7"))
                .isEqualTo(new String(r.image().manifest().bytes(), StandardCharsets.UTF_8));
        assertThat(run("skopeo", "inspect", "oci-archive:" + ociTar + ":7")).contains(digest);
        // found by the tag docker load would give it; the layers are the diffIDs (uncompressed tars)
        assertThat(run("skopeo", "inspect", "docker-archive:" + dockerTar + ":out/app:7"))
                .contains(r.image().layers().get(2).diffId().toString());
        Path bundle = dir.resolve("bundle");
        run("umoci", "unpack", "--image", layout + ":7", bundle.toString());
        Map<String, String> umoci = BuildahOracleTest.tree(bundle.resolve("rootfs"));
        Map<String, String> ours = BuildahOracleTest.tree(f.unpack(r.image(), "ours"));
        assertThat(umoci).isEqualTo(ours);
        assertThat(umoci).containsKey("hi").containsKey("a.txt").doesNotContainKey("etc/group");
    }

    @Test
    void fromAnOciLayoutInAnotherStore() throws Exception {
        BuildFixture a = new BuildFixture(dir.resolve("a"))
                .files("FROM scratch\nCOPY a.txt /a.txt\nENV X=1\n", Map.of("a.txt", "A"));
        Path layout = Files.createDirectories(dir.resolve("layout"));
        BuildResult base = a.build(BuildRequest.builder(a.context)
                .tags(List.of("base:v1"))
                .outputs(List.of(OutputSpec.parse("type=oci,dest=" + layout)))
                .build());
        BuildFixture b = new BuildFixture(dir.resolve("b"))
                .files("FROM oci-layout://" + layout + ":v1\nCOPY b.txt /b.txt\n", Map.of("b.txt", "B"));
        BuildResult r = b.build();
        assertThat(r.image().layers().get(0).diffId())
                .isEqualTo(base.image().layers().get(0).diffId());
        assertThat(r.image().config().config().env()).contains("X=1");
        Path root = b.unpack(r.image(), "b");
        assertThat(BuildFixture.read(root.resolve("a.txt"))).isEqualTo("A");
        assertThat(BuildFixture.read(root.resolve("b.txt"))).isEqualTo("B");
    }

    @Test
    void localAndTarOutputsHoldTheFinalFilesystem() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .files(
                        "FROM scratch\nCOPY a.txt b.txt /d/\nFROM scratch\nCOPY --from=0 /d/a.txt /x/a.txt\n",
                        Map.of("a.txt", "A", "b.txt", "B"));
        Path local = dir.resolve("local");
        Path tar = dir.resolve("fs.tar");
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .outputs(
                        List.of(OutputSpec.parse("type=local,dest=" + local), OutputSpec.parse("type=tar,dest=" + tar)))
                .build());
        assertThat(BuildahOracleTest.tree(local)).isEqualTo(BuildahOracleTest.tree(f.unpack(r.image(), "ours")));
        assertThat(BuildFixture.read(local.resolve("x/a.txt"))).isEqualTo("A");
        Path untarred = Files.createDirectories(dir.resolve("untarred"));
        run("tar", "-xf", tar.toString(), "-C", untarred.toString());
        assertThat(BuildahOracleTest.tree(untarred)).isEqualTo(BuildahOracleTest.tree(local));
    }

    @Test
    void outputDashWritesTheFilesystemTarToStdout() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
        Files.writeString(ctx.resolve("a.txt"), "stdout");
        Path tar = dir.resolve("stdout.tar");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.strata.cli.Main",
                        "build",
                        "-o",
                        "-",
                        ctx.toString())
                .redirectOutput(tar.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("STRATA_HOME", dir.resolve("home").toString());
        assertThat(pb.start().waitFor()).isZero();
        assertThat(run("tar", "-tf", tar.toString())).isEqualTo("a.txt\n");
        Path out = Files.createDirectories(dir.resolve("out"));
        run("tar", "-xf", tar.toString(), "-C", out.toString());
        assertThat(BuildFixture.read(out.resolve("a.txt"))).isEqualTo("stdout");
    }

    @Test
    void unknownOutputTypesAndKeysAreRefusedWithWhatToUse() {
        assertThatThrownBy(() -> OutputSpec.parse("type=image,name=x")).hasMessageContaining("--push");
        assertThatThrownBy(() -> OutputSpec.parse("type=local,dest=-")).hasMessageContaining("type=tar,dest=-");
        assertThatThrownBy(() -> OutputSpec.parse("type=docker,dest=x.tar,compression=zstd"))
                .hasMessageContaining("compression");
    }
}
