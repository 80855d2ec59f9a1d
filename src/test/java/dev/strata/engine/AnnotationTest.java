package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --annotation} from the CLI to the manifest skopeo reads; refused buildx types exit 2. */
class AnnotationTest {
    @TempDir
    Path dir;

    @Test
    void annotationsLandOnTheManifestAndInNoCacheKey() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
        Files.writeString(ctx.resolve("a.txt"), "A");
        Path layout = dir.resolve("layout/");
        Files.createDirectories(layout);
        StrataProcess.Run r = StrataProcess.strata(
                dir.resolve("home"),
                "build",
                "--progress=plain",
                "--annotation",
                "org.opencontainers.image.source=https://example.invalid/app",
                "--annotation",
                "manifest:com.example.team=build=ci",
                "-t",
                "annotated:1",
                "-o",
                "type=oci,dest=" + layout,
                ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        JsonNode m = new ObjectMapper().readTree(StrataProcess.skopeo("inspect", "--raw", "oci:" + layout + ":1"));
        assertThat(m.path("annotations").path("org.opencontainers.image.source").asText())
                .isEqualTo("https://example.invalid/app");
        assertThat(m.path("annotations").path("com.example.team").asText()).isEqualTo("build=ci");

        // another value: the same step is a cache hit, only the manifest differs
        r = StrataProcess.strata(
                dir.resolve("home"), "build", "--progress=plain", "--annotation", "k=v", ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("CACHED");

        for (String bad : new String[] {"index:k=v", "manifest-descriptor:k=v", "manifest[linux/amd64]:k=v", "k"}) {
            r = StrataProcess.strata(dir.resolve("home"), "build", "--annotation", bad, ctx.toString());
            assertThat(r.code()).as(bad + ": " + r.out()).isEqualTo(2);
            assertThat(r.out()).contains("--annotation");
        }
    }
}
