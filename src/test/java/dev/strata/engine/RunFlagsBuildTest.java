package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import dev.strata.exec.ContainerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docker build's --add-host, --shm-size and --ulimit reach every RUN, under a runtime and under chroot. */
class RunFlagsBuildTest extends MountCheckedTest {
    static final String DOCKERFILE = """
            FROM test/busybox:latest
            RUN cat /etc/hosts > /hosts && df -k /dev/shm | tail -1 | awk '{print $2}' > /shm \\
                && ulimit -Sn > /nofile && ulimit -Hn >> /nofile && ulimit -Hc > /core
            """;

    @ParameterizedTest
    @ValueSource(strings = {"crun", "chroot"})
    void hostsShmAndUlimitsAreWhatTheFlagsSay(String isolation) throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox().files(DOCKERFILE, Map.of());
        ContainerOptions c = new ContainerOptions(
                List.of(
                        ContainerOptions.ExtraHost.parse("db.internal:10.0.0.5"),
                        ContainerOptions.ExtraHost.parse("v6=[fd00::1]"),
                        ContainerOptions.ExtraHost.parse("gw:host-gateway")),
                OptionalLong.of(ContainerOptions.parseSize("--shm-size", "128m")),
                List.of(ContainerOptions.Ulimit.parse("nofile=1024:2048"), ContainerOptions.Ulimit.parse("core=-1")));
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .isolation(Optional.of(isolation))
                .container(c)
                .build());
        Path root = f.unpack(r.image(), "r");
        assertThat(BuildFixture.read(root.resolve("hosts")))
                .startsWith("127.0.0.1\tlocalhost\n")
                .endsWith("10.0.0.5\tdb.internal\nfd00::1\tv6\n127.0.0.1\tgw\n");
        assertThat(BuildFixture.read(root.resolve("shm"))).isEqualTo("131072\n");
        assertThat(BuildFixture.read(root.resolve("nofile"))).isEqualTo("1024\n2048\n");
        assertThat(BuildFixture.read(root.resolve("core"))).isEqualTo("unlimited\n");

        // without the flags: docker's 64 MiB /dev/shm and no extra host; the flags are in the RUN's key
        BuildResult plain = f.build(BuildRequest.builder(f.context)
                .isolation(Optional.of(isolation))
                .build());
        assertThat(f.events).contains("done 2").doesNotContain("cached 2");
        Path p = f.unpack(plain.image(), "p");
        assertThat(BuildFixture.read(p.resolve("shm"))).isEqualTo("65536\n");
        assertThat(BuildFixture.read(p.resolve("hosts"))).doesNotContain("db.internal");
    }

    @Test
    void badValuesNameTheFlagAndTheForm() {
        assertThatThrownBy(() -> ContainerOptions.ExtraHost.parse("nohost"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("--add-host \"nohost\" is not NAME:ADDRESS");
        assertThatThrownBy(() -> ContainerOptions.ExtraHost.parse("a:not-an-ip"))
                .hasMessageContaining("not-an-ip is not an IP address");
        assertThatThrownBy(() -> ContainerOptions.parseSize("--shm-size", "lots"))
                .hasMessageContaining("--shm-size \"lots\" is not a size");
        assertThatThrownBy(() -> ContainerOptions.Ulimit.parse("files=1"))
                .hasMessageContaining("NAME one of as, core, cpu");
        assertThatThrownBy(() -> ContainerOptions.Ulimit.parse("nofile=2048:1024"))
                .hasMessageContaining("soft limit is above the hard limit");
        assertThat(ContainerOptions.parseSize("--shm-size", "1g")).isEqualTo(1L << 30);
        assertThat(ContainerOptions.parseSize("--shm-size", "2MiB")).isEqualTo(2L << 20);
        assertThat(ContainerOptions.parseSize("--shm-size", "512K")).isEqualTo(512L << 10);
        assertThat(ContainerOptions.parseSize("--shm-size", "1048576")).isEqualTo(1L << 20);
        assertThat(ContainerOptions.Ulimit.parse("nproc=512"))
                .isEqualTo(new ContainerOptions.Ulimit("nproc", 512, 512));
    }
}
