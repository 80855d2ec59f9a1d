package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --build-context} from the CLI: a directory, a stored image (docker-image://) and an OCI
 * layout, for COPY --from=NAME, FROM NAME and RUN --mount=from=NAME, replacing a stage of the same name.
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
    }

    @Test
    void fromAndRunMountOfDirectoryContexts() throws Exception {
        Path home = dir.resolve("home");
        // the stage's root is a directory: a busybox tree, so a RUN can read the bound context
        Path rootfs = dir.resolve("rootfs");
        BuildFixture.importBusybox(Store.open(dir.resolve("unused-store")), rootfs);
        Files.writeString(rootfs.resolve(".dockerignore"), "secret.txt\n");
        Files.writeString(rootfs.resolve("secret.txt"), "not for the image");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("d.txt"), "data v1");
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Dockerfile"), """
                FROM root
                RUN --mount=type=bind,from=data,target=/mnt cat /mnt/d.txt > /got.txt
                """);
        Path out = dir.resolve("out");
        String[] args = {
            "build",
            "--progress=plain",
            "--build-context",
            "root=" + rootfs,
            "--build-context",
            "data=" + data,
            "-o",
            "type=local,dest=" + out,
            app.toString()
        };
        StrataProcess.Run r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(BuildFixture.read(out.resolve("got.txt"))).isEqualTo("data v1");
        assertThat(out.resolve("bin/busybox")).isRegularFile();
        assertThat(Files.readSymbolicLink(out.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(BuildFixture.read(out.resolve("etc/passwd"))).startsWith("root:x:0:0:");
        assertThat(out.resolve("secret.txt")).doesNotExist();
        assertThat(out.resolve("mnt/d.txt")).doesNotExist();

        // unchanged directories: every step hits
        r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("CACHED").doesNotContain("MISS");

        // a changed file of the bound directory reruns the RUN, not the stage's root
        Files.writeString(data.resolve("d.txt"), "data v2");
        r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(BuildFixture.read(out.resolve("got.txt"))).isEqualTo("data v2");
        assertThat(r.out()).contains("#1 CACHED").contains("#2 MISS");

        // a changed file of the root directory reruns the root and what follows
        Files.writeString(rootfs.resolve("etc/motd"), "hello");
        r = StrataProcess.strata(home, args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(BuildFixture.read(out.resolve("etc/motd"))).isEqualTo("hello");
        assertThat(r.out()).contains("#1 MISS: file / changed").contains("#2 MISS");

        // the image of FROM a directory has an empty config, as BuildKit's: scratch plus the files
        r = StrataProcess.strata(
                home,
                "build",
                "-t",
                "fromdir/app:1",
                "--build-context",
                "root=" + rootfs,
                "--build-context",
                "data=" + data,
                app.toString());
        assertThat(r.code()).as(r.out()).isZero();
        r = StrataProcess.strata(home, "inspect", "fromdir/app:1");
        assertThat(r.code()).as(r.out()).isZero();
        // busybox's import set Cmd ["sh"]: a directory brings files, never a config
        assertThat(r.out())
                .contains("\"Env\" : [ \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\" ]")
                .doesNotContain("\"Cmd\"")
                .contains("\"created_by\" : \"COPY / / # buildkit\"");
    }
}
