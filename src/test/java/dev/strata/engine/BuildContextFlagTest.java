package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --build-context} from the CLI: a directory, a stored image (docker-image://) and an OCI
 * layout, for COPY --from=NAME and FROM NAME, replacing a stage of the same name.
 */
class BuildContextFlagTest {
    @TempDir
    Path dir;

    @Test
    void directoryImageAndLayoutContexts() throws Exception {
        Path home = dir.resolve("home");
        Path baseCtx = Files.createDirectories(dir.resolve("base"));
        Files.writeString(baseCtx.resolve("Dockerfile"), "FROM scratch\nCOPY base.txt /base.txt\nENV FROM_BASE=1\n");
        Files.writeString(baseCtx.resolve("base.txt"), "base");
        Path layout = Files.createDirectories(dir.resolve("layout"));
        StrataProcess.Run r = StrataProcess.strata(
                home, "build", "-t", "named/base:1", "-o", "type=oci,dest=" + layout + "/", baseCtx.toString());
        assertThat(r.code()).as(r.out()).isZero();

        Path extra = Files.createDirectories(dir.resolve("extra"));
        Files.writeString(extra.resolve("e.txt"), "extra v1");
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Dockerfile"), """
                FROM scratch AS extra
                COPY not-in-the-context /nowhere
                FROM base
                COPY --from=extra /e.txt /e.txt
                COPY --from=lay /base.txt /from-layout.txt
                COPY --from=img /base.txt /from-image.txt
                """);
        Path out = dir.resolve("out");
        String[] args = {
            "build",
            "--progress=plain",
            "--build-context",
            "base=docker-image://named/base:1",
            "--build-context",
            "img=docker-image://named/base:1",
            "--build-context",
            "Extra=" + extra,
            "--build-context",
            "lay=oci-layout://" + layout + ":1",
            "-o",
            "type=local,dest=" + out,
            "--metadata-file",
            dir.resolve("meta.json").toString(),
            app.toString()
        };
        r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(BuildFixture.read(out.resolve("base.txt"))).isEqualTo("base");
        assertThat(BuildFixture.read(out.resolve("e.txt"))).isEqualTo("extra v1");
        assertThat(BuildFixture.read(out.resolve("from-layout.txt"))).isEqualTo("base");
        assertThat(BuildFixture.read(out.resolve("from-image.txt"))).isEqualTo("base");
        assertThat(out.resolve("nowhere")).doesNotExist();

        // the directory's files are in the COPY's key: a change reruns that step only
        Files.writeString(extra.resolve("e.txt"), "extra v2");
        r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(BuildFixture.read(out.resolve("e.txt"))).isEqualTo("extra v2");
        assertThat(r.out()).contains("MISS: file /e.txt changed").doesNotContain("nowhere");

        Files.writeString(app.resolve("Dockerfile"), "FROM extra\n");
        r = StrataProcess.strata(home, "build", "--build-context", "extra=" + extra, app.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("is a directory").contains("docker-image://");
    }
}
