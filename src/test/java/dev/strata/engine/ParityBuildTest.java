package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Platform;
import dev.strata.store.ImageImport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Builds whose result docker (BuildKit) and buildah agree on and strata once did not (issue 13):
 * each builds a Dockerfile and checks the image as docker leaves it.
 */
class ParityBuildTest extends MountCheckedTest {
    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @AfterEach
    void noRunLeftovers() throws Exception {
        BuildFixture.assertNoRunLeftovers(dir.resolve("store/tmp"));
    }

    /** busybox imported with an empty config (no Env at all), as {@code strata import} makes it. */
    private BuildFixture bareBase() throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox();
        ImageImport.importRootfs(
                f.store,
                dir.resolve("busybox.tar"),
                "test/bare:latest",
                "docker.io/test/bare:latest",
                Platform.host(),
                ContainerConfig.empty());
        return f;
    }

    @Test
    void aBaseWithoutPathGetsDockersDefaultInConfigAndRun() throws Exception {
        String df = """
                FROM test/bare:latest
                RUN echo "$PATH" > /run-path
                ENV PATH=/custom/bin:$PATH
                RUN echo "$PATH" > /custom-path
                """;
        BuildFixture f = bareBase().files(df, Map.of());
        BuildResult r = f.build();
        assertThat(r.image().config().config().env()).containsExactly("PATH=/custom/bin:" + PATH.substring(5));
        Path root = f.unpack(r.image(), "p");
        assertThat(BuildFixture.read(root.resolve("run-path"))).isEqualTo(PATH.substring(5) + "\n");
        assertThat(BuildFixture.read(root.resolve("custom-path"))).isEqualTo("/custom/bin:" + PATH.substring(5) + "\n");
    }

    @Test
    void scratchAndAnImportedBaseWithoutChangesCarryThePath() throws Exception {
        BuildFixture f = bareBase().files("FROM test/bare:latest\nLABEL a=b\n", Map.of());
        assertThat(f.build().image().config().config().env()).containsExactly(PATH);
        Files.writeString(f.context.resolve("Dockerfile"), "FROM scratch\nENV PATH=/custom/bin:$PATH\n");
        assertThat(f.build().image().config().config().env()).containsExactly("PATH=/custom/bin:" + PATH.substring(5));
        // a base that sets PATH keeps it, nothing appended
        Files.writeString(f.context.resolve("Dockerfile"), "FROM test/busybox:latest\nENV A=1\n");
        assertThat(f.build().image().config().config().env()).containsExactly(PATH, "A=1");
    }

    @Test
    void copyChmodLeavesTheCreatedDestinationDirectoryAt0755() throws Exception {
        String df = """
                FROM test/busybox:latest
                COPY --chmod=0750 dir/ /dest/
                COPY --chmod=0640 dir/ /etc/
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("dir/a", "A", "dir/sub/b", "B"));
        Path root = f.unpack(f.build().image(), "c");
        assertThat(mode(root.resolve("dest"))).isEqualTo(0755);
        assertThat(mode(root.resolve("dest/a"))).isEqualTo(0750);
        assertThat(mode(root.resolve("dest/sub"))).isEqualTo(0750);
        assertThat(mode(root.resolve("dest/sub/b"))).isEqualTo(0750);
        // an existing destination keeps its own mode
        assertThat(mode(root.resolve("etc"))).isEqualTo(0755);
        assertThat(mode(root.resolve("etc/a"))).isEqualTo(0640);
    }

    @Test
    void aCreatedDestinationDirectoryIsNotGivenTheSourceDirectorysMode() throws Exception {
        String df = """
                FROM test/busybox:latest
                COPY private/ /slash/
                COPY private /noslash
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("private/sub/f", "F"));
        Files.setAttribute(f.context.resolve("private"), "unix:mode", 0700);
        Files.setAttribute(f.context.resolve("private/sub"), "unix:mode", 0700);
        Path root = f.unpack(f.build().image(), "d");
        for (String d : new String[] {"slash", "noslash"}) {
            assertThat(mode(root.resolve(d))).as(d).isEqualTo(0755);
            // what is copied into it keeps its mode
            assertThat(mode(root.resolve(d + "/sub"))).as(d + "/sub").isEqualTo(0700);
        }
    }

    @Test
    void bindMountsTakeRoReadonlyRwAndReadwrite() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN --mount=type=bind,source=ctx,target=/m,ro cat /m/f > /ro; (echo x > /m/g) 2>/dev/null || echo refused > /ro-write
                RUN --mount=type=bind,source=ctx,target=/m,readonly=true (echo x > /m/g) 2>/dev/null || echo refused > /readonly-write
                RUN --mount=type=bind,source=ctx,target=/m,rw echo x > /m/g && cat /m/g > /rw
                RUN --mount=type=bind,source=ctx,target=/m,readwrite=true echo y > /m/g && cat /m/g > /readwrite
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("ctx/f", "F"));
        Path root = f.unpack(f.build().image(), "b");
        assertThat(BuildFixture.read(root.resolve("ro"))).isEqualTo("F");
        assertThat(BuildFixture.read(root.resolve("ro-write"))).isEqualTo("refused\n");
        assertThat(BuildFixture.read(root.resolve("readonly-write"))).isEqualTo("refused\n");
        assertThat(BuildFixture.read(root.resolve("rw"))).isEqualTo("x\n");
        assertThat(BuildFixture.read(root.resolve("readwrite"))).isEqualTo("y\n");
        // a writable bind mount's writes are thrown away, as in BuildKit
        assertThat(f.context.resolve("ctx/g")).doesNotExist();
        assertThat(root.resolve("m/g")).doesNotExist();
    }

    static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
