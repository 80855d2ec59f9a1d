package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RUN with {@code --isolation=none}, the mode a container with docker's defaults gets: a chroot
 * into a copy of the rootfs and the layer from comparing trees. Its layers must be the ones an OCI
 * runtime on overlayfs gives.
 */
class NoIsolationBuildTest extends MountCheckedTest {
    @AfterEach
    void noRunLeftovers() throws Exception {
        BuildFixture.assertNoRunLeftovers(dir.resolve("store/tmp"));
    }

    @Test
    void aRunStepGivesTheLayerCrunGives() throws Exception {
        String df = """
                FROM test/busybox:latest
                WORKDIR /srv
                RUN echo data > d && mkdir -p /x/y && echo z > /x/y/z && rm /etc/group \\
                    && chmod 600 /etc/passwd && chown 1000:1000 /x/y/z && pwd && id -u
                RUN rm -r /x/y && echo more >> /srv/d
                RUN true
                USER 1000:1000
                RUN id -u > /tmp/who
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult crun = f.build();
        BuildResult none = f.build(BuildRequest.builder(f.context)
                .noCache(true)
                .isolation(Optional.of("none"))
                .build());
        assertThat(f.events)
                .anyMatch(e -> e.startsWith("notice isolation none") && e.contains("not protected"))
                .anyMatch(e -> e.matches("log [0-9]+ /srv"))
                .anyMatch(e -> e.matches("log [0-9]+ 0"));
        // RUN true adds no layer in either
        assertThat(none.image().config().diffIds())
                .isEqualTo(crun.image().config().diffIds());
        assertThat(none.manifest().digest()).isEqualTo(crun.manifest().digest());
        Path root = f.unpack(none.image(), "none");
        assertThat(BuildFixture.read(root.resolve("srv/d"))).isEqualTo("data\nmore\n");
        assertThat(root.resolve("x/y")).doesNotExist();
        assertThat(root.resolve("x")).isDirectory();
        assertThat(root.resolve("etc/group")).doesNotExist();
        assertThat(BuildFixture.read(root.resolve("tmp/who"))).isEqualTo("1000\n");
        assertThat(root.resolve("etc/hosts")).doesNotExist();
        assertThat(root.resolve("proc")).doesNotExist();
    }

    @Test
    void cacheAndSecretMountsAreCopiedInAndCachesBackOut() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN --mount=type=cache,target=/cache --mount=type=tmpfs,target=/etc \\
                    echo run >> /cache/log && cat /cache/log > /seen && ls /etc | wc -l > /etc-entries
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        f.build(BuildRequest.builder(f.context).isolation(Optional.of("none")).build());
        BuildResult second = f.build(BuildRequest.builder(f.context)
                .noCache(true)
                .isolation(Optional.of("none"))
                .build());
        Path root = f.unpack(second.image(), "second");
        assertThat(BuildFixture.read(root.resolve("seen"))).isEqualTo("run\nrun\n");
        // the tmpfs hid the image's /etc; nothing under a mount target reaches the layer
        assertThat(BuildFixture.read(root.resolve("etc-entries")).strip()).isEqualTo("0");
        assertThat(root.resolve("cache")).doesNotExist();
        assertThat(Files.exists(root.resolve("etc/passwd"))).isTrue();
    }
}
