package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import, images --format json, inspect and save as a user runs them: a real strata process each. */
class StoreCommandsTest {
    @TempDir
    Path dir;

    Path home;
    Path tar;

    record Run(int code, String out) {}

    Run strata(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    static String tool(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @BeforeEach
    void rootfs() throws Exception {
        home = dir.resolve("home");
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "strata\n");
        tar = dir.resolve("rootfs.tar");
        tool(
                "tar",
                "--sort=name",
                "--mtime=@0",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "-C",
                root.toString(),
                "-cf",
                tar.toString(),
                ".");
    }

    @Test
    void importThenImagesInspectAndSave() throws Exception {
        Run imp = strata(
                "import",
                tar.toString(),
                "-t",
                "demo/base:1",
                "--platform",
                "linux/amd64",
                "--change",
                "CMD [\"/bin/sh\"]",
                "--change",
                "ENV A=b");
        assertThat(imp.code()).as(imp.out()).isZero();
        String digest = imp.out().trim();

        Run images = strata("images", "--format", "json");
        assertThat(images.code()).as(images.out()).isZero();
        JsonNode line = OciJson.parse(images.out().trim().getBytes(StandardCharsets.UTF_8), "images line");
        assertThat(line.path("name").asText()).isEqualTo("demo/base");
        assertThat(line.path("tag").asText()).isEqualTo("1");
        assertThat(line.path("digest").asText()).isEqualTo(digest);

        Run inspect = strata("inspect", "demo/base:1");
        assertThat(inspect.code()).as(inspect.out()).isZero();
        JsonNode j = OciJson.parse(inspect.out().getBytes(StandardCharsets.UTF_8), "inspect");
        assertThat(j.path("digest").asText()).isEqualTo(digest);
        assertThat(j.path("fullReference").asText()).isEqualTo("docker.io/demo/base:1");
        assertThat(j.path("layers").get(0).path("diffId").asText())
                .isEqualTo(Digest.sha256(Files.readAllBytes(tar)).toString());
        assertThat(j.path("history")).hasSize(1);
        assertThat(j.path("config").path("config").path("Cmd").get(0).asText()).isEqualTo("/bin/sh");
        assertThat(j.path("config").path("config").path("Env").get(0).asText()).isEqualTo("A=b");
        // by digest and by full reference too, as FROM and push find it
        for (String ref : new String[] {"demo/base@" + digest, "docker.io/demo/base:1"}) {
            Run again = strata("inspect", ref);
            assertThat(again.code()).as(ref + ": " + again.out()).isZero();
            assertThat(OciJson.parse(again.out().getBytes(StandardCharsets.UTF_8), "inspect")
                            .path("digest")
                            .asText())
                    .isEqualTo(digest);
        }

        Path docker = dir.resolve("d.tar");
        Run save = strata("save", "demo/base:1", "-o", docker.toString(), "--format", "docker");
        assertThat(save.code()).as(save.out()).isZero();
        assertThat(tool("skopeo", "inspect", "docker-archive:" + docker)).contains("\"Architecture\": \"amd64\"");
        Path oci = dir.resolve("o.tar");
        assertThat(strata("save", "demo/base:1", "-o", oci.toString()).code()).isZero();
        assertThat(tool("skopeo", "inspect", "oci-archive:" + oci)).contains(digest);
        Path layout = dir.resolve("layout");
        assertThat(strata("save", "demo/base:1", "-o", layout.toString(), "--format", "oci-dir")
                        .code())
                .isZero();
        assertThat(tool("skopeo", "inspect", "oci:" + layout + ":demo/base:1")).contains(digest);
    }

    @Test
    void savingOntoAFullDiskExitsFourAndLeavesNoFile() throws Exception {
        Path root = dir.resolve("big");
        Files.createDirectories(root);
        byte[] b = new byte[1 << 20];
        new Random(3).nextBytes(b);
        Files.write(root.resolve("random.bin"), b);
        Path bigTar = dir.resolve("big.tar");
        tool("tar", "-C", root.toString(), "-cf", bigTar.toString(), ".");
        assertThat(strata("import", bigTar.toString(), "-t", "big:1").code()).isZero();
        Path mnt = dir.resolve("tiny");
        Files.createDirectories(mnt);
        tool("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            for (String format : List.of("oci", "docker")) {
                Run r = strata("save", "big:1", "-o", mnt.resolve("big.tar").toString(), "--format", format);
                assertThat(r.code()).as(r.out()).isEqualTo(4);
                assertThat(r.out()).contains("no space left").doesNotContain("\tat ");
                try (var l = Files.list(mnt)) {
                    assertThat(l.count()).as("files left on the full disk").isZero();
                }
            }
        } finally {
            tool("umount", mnt.toString());
        }
    }

    @Test
    void userErrorsExitTwoOrFourWithAMessageAndNoStackTrace() throws Exception {
        Path cut = dir.resolve("cut.tar");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(tar), 700));
        Run bad = strata("import", cut.toString(), "-t", "x:1");
        assertThat(bad.code()).as(bad.out()).isEqualTo(2);
        assertThat(bad.out()).contains(cut.toString()).doesNotContain("\tat ").doesNotContain("internal error");

        Run missing = strata("save", "nothere:1", "-o", dir.resolve("n.tar").toString());
        assertThat(missing.code()).as(missing.out()).isEqualTo(2);
        assertThat(missing.out()).contains("nothere:1");
        assertThat(dir.resolve("n.tar")).doesNotExist();

        assertThat(strata("import", tar.toString(), "-t", "x:1").code()).isZero();
        Run ok = strata("inspect", "x:1");
        String layer = OciJson.parse(ok.out().getBytes(StandardCharsets.UTF_8), "inspect")
                .path("layers")
                .get(0)
                .path("digest")
                .asText();
        Files.delete(home.resolve("blobs/sha256").resolve(layer.substring(7)));
        Run gone = strata("save", "x:1", "-o", dir.resolve("x.tar").toString());
        assertThat(gone.code()).as(gone.out()).isEqualTo(4);
        assertThat(gone.out()).contains(layer).contains("strata prune").doesNotContain("\tat ");
        assertThat(dir.resolve("x.tar")).doesNotExist();

        // a second, intact image: listing must still show it when the first one is damaged
        assertThat(strata("import", tar.toString(), "-t", "y:1", "--change", "ENV Y=1")
                        .code())
                .isZero();
        String config = OciJson.parse(ok.out().getBytes(StandardCharsets.UTF_8), "inspect")
                .path("id")
                .asText();
        Files.delete(home.resolve("blobs/sha256").resolve(config.substring(7)));
        for (String[] args : List.of(
                new String[] {"inspect", "x:1"}, new String[] {"images"}, new String[] {"images", "--format", "json"
                })) {
            Run r = strata(args);
            assertThat(r.code()).as(r.out()).isEqualTo(4);
            assertThat(r.out()).contains(config).contains("strata prune").doesNotContain("\tat ");
            if (args[0].equals("images")) {
                boolean json = args.length > 1;
                assertThat(r.out())
                        .containsPattern(json ? "\"name\":\"y\"" : "(?m)^y +1 ")
                        .doesNotContainPattern(json ? "\"name\":\"x\"" : "(?m)^x +1 ");
            }
        }
    }

    @Test
    void tagGivesAnotherNameAndRmiTakesNamesAwayUntilPruneFreesTheBlobs() throws Exception {
        Run imp = strata("import", tar.toString(), "-t", "demo/base:1");
        assertThat(imp.code()).as(imp.out()).isZero();
        String digest = imp.out().trim();

        Run tag = strata("tag", "demo/base:1", "127.0.0.1:5000/team/base");
        assertThat(tag.code()).as(tag.out()).isZero();
        assertThat(tag.out()).contains("127.0.0.1:5000/team/base:latest");
        Run inspect = strata("inspect", "127.0.0.1:5000/team/base:latest");
        assertThat(inspect.out()).contains(digest).contains("\"fullReference\" : \"127.0.0.1:5000/team/base:latest\"");
        assertThat(strata("images").out()).contains("demo/base").contains("127.0.0.1:5000/team/base");

        Run missingSource = strata("tag", "demo/nothing:1", "x:1");
        assertThat(missingSource.code()).isEqualTo(2);
        assertThat(missingSource.out()).contains("no image 'demo/nothing:1'");

        Run rmi = strata("rmi", "demo/base:1", "demo/ghost:2");
        assertThat(rmi.code()).as("one of the two did not exist").isEqualTo(2);
        assertThat(rmi.out()).contains("Untagged: demo/base:1").contains("no image demo/ghost:2");
        assertThat(strata("images").out()).doesNotContain("demo/base").contains("127.0.0.1:5000/team/base");

        Run byDigest = strata("rmi", "anything@" + digest);
        assertThat(byDigest.code()).as(byDigest.out()).isZero();
        assertThat(byDigest.out()).contains("Untagged: 127.0.0.1:5000/team/base:latest");
        assertThat(strata("images", "--format", "json").out().trim()).isEmpty();

        Path blobs = home.resolve("blobs/sha256");
        assertThat(blobs.resolve(digest.substring("sha256:".length()))).exists();
        assertThat(strata("prune", "--grace=0s").code()).isZero();
        assertThat(blobs.resolve(digest.substring("sha256:".length()))).doesNotExist();
    }
}
