package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RUN steps in real crun, runc and chroot isolation on a real overlay over a busybox rootfs. */
class RunExecutorTest {
    @TempDir
    static Path shared;

    static Path rootfs;

    @TempDir
    Path work;

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
    }

    @AfterEach
    void nothingLeaks() throws IOException {
        assertThat(Leaks.of(work)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void exitCodeAndOutputComeBack(Isolation isolation) {
        Steps.Ran ran = Steps.run(isolation, Steps.sh("echo out; echo err >&2; exit 3", work, List.of(rootfs)));
        try (RunResult r = ran.result()) {
            assertThat(r.exitCode()).isEqualTo(3);
            if (isolation == Isolation.RUNC) {
                // runc copies stdout and stderr through two pipes of its own: their order can swap
                assertThat(ran.lines()).containsExactlyInAnyOrder("out", "err");
            } else {
                assertThat(ran.lines()).containsExactly("out", "err");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void runTrueLeavesAnEmptyUpperDir(Isolation isolation) {
        Steps.Ran ran = Steps.run(
                isolation,
                Steps.sh("true", work, List.of(rootfs))
                        .workingDir("/not/yet/there")
                        .mount(RunMount.Secret.of("tok", new byte[] {1}))
                        .mount(new RunMount.Tmpfs("/scratch", OptionalLong.empty())));
        try (RunResult r = ran.result()) {
            assertThat(r.exitCode()).isZero();
            assertThat(ran.upperFiles()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void envWorkdirAndUserAreApplied(Isolation isolation) {
        Steps.Ran ran = Steps.run(
                isolation,
                Steps.sh(
                                "echo $FOO; pwd; id -u; id -g; id -G; echo $HOME; echo $PATH;"
                                        + " hostname; cat /etc/hostname; test -c /dev/null && echo devnull",
                                work,
                                List.of(rootfs))
                        .env(List.of("FOO=bar baz"))
                        .workingDir("/home/app")
                        .user("app")
                        .hostname("box"));
        try (RunResult r = ran.result()) {
            assertThat(r.exitCode()).isZero();
            // chroot and none drop extra groups; none has no UTS namespace: the machine's hostname
            String groups = isolation == Isolation.CHROOT || isolation == Isolation.NONE ? "1000" : "1000 2000";
            String hostname = isolation == Isolation.NONE ? machineHostname() : "box";
            assertThat(ran.lines())
                    .containsExactly(
                            "bar baz",
                            "/home/app",
                            "1000",
                            "1000",
                            groups,
                            "/home/app",
                            OverlayExecutor.DEFAULT_PATH.substring(5),
                            hostname,
                            "box",
                            "devnull");
        }
    }

    private static String machineHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void numericUserWithoutPasswdEntryRunsWithGroupZero(Isolation isolation) {
        Steps.Ran ran = Steps.run(
                isolation,
                Steps.sh("id -u; id -g; touch /tmp/x; stat -c %u /tmp/x", work, List.of(rootfs))
                        .user("4242"));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("4242", "0", "4242");
            assertThat(r.upperDir().resolve("tmp/x")).exists();
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void writesDeletionsAndOpaqueDirsLandInTheUpperDir(Isolation isolation) throws IOException {
        Path layer = shared.resolve("layer-" + isolation);
        Files.createDirectories(layer.resolve("data"));
        Files.createDirectories(layer.resolve("opq"));
        Files.writeString(layer.resolve("data/keep"), "k");
        Files.writeString(layer.resolve("data/gone"), "g");
        Files.writeString(layer.resolve("opq/a"), "a");
        Steps.Ran ran = Steps.run(
                isolation,
                Steps.sh(
                        "echo hi > /new; rm /data/gone; rm -rf /opq; mkdir /opq;" + " touch /opq/b; cat /data/keep",
                        work,
                        List.of(rootfs, layer)));
        try (RunResult r = ran.result()) {
            Path up = r.upperDir();
            assertThat(ran.lines()).containsExactly("k");
            assertThat(up.resolve("new")).hasContent("hi");
            assertThat(
                            isolation == Isolation.NONE
                                    ? Files.exists(up.resolve("data/.wh.gone"))
                                    : RootfsView.isWhiteout(up.resolve("data/gone")))
                    .isTrue();
            assertThat(up.resolve("data/keep")).doesNotExist();
            if (isolation == Isolation.NONE) {
                // a tree diff says "a is gone" with a whiteout where overlayfs marks the new dir opaque
                assertThat(up.resolve("opq/.wh.a")).exists();
            } else {
                assertThat(Xattrs.get(up.resolve("opq"), "trusted.overlay.opaque"))
                        .contains("y");
                assertThat(up.resolve("opq/a")).doesNotExist();
            }
            assertThat(up.resolve("opq/b")).exists();
            assertThat(Files.list(up)
                            .map(p -> p.getFileName().toString())
                            .sorted()
                            .toList())
                    .containsExactly("data", "new", "opq");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE) // none cannot make one
    void networkNoneShowsOnlyLoopback(Isolation isolation) throws IOException {
        Steps.Ran none = Steps.run(
                isolation,
                Steps.sh(
                                "ls /sys/class/net; cat /proc/net/dev | tail -n +3 | wc -l;"
                                        + " ip -o link show lo | grep -c UP",
                                work,
                                List.of(rootfs))
                        .network(NetworkMode.NONE));
        none.result().close();
        assertThat(none.lines()).containsExactly("lo", "1", "1");
        Steps.Ran host = Steps.run(isolation, Steps.sh("ls /sys/class/net", work, List.of(rootfs)));
        host.result().close();
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            assertThat(host.lines())
                    .containsExactlyInAnyOrderElementsOf(
                            s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aMissingCommandIsANonZeroExitNotAnException(Isolation isolation) {
        Steps.Ran ran = Steps.run(
                isolation, RunRequest.builder(List.of("/no/such/cmd"), work).lowerDirs(List.of(rootfs)));
        try (RunResult r = ran.result()) {
            assertThat(r.exitCode()).isNotZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void anUnknownUserIsAnInputErrorAndLeavesNothing(Isolation isolation) {
        assertThatThrownBy(() -> Steps.run(
                        isolation, Steps.sh("true", work, List.of(rootfs)).user("ghost")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("no user ghost")
                .extracting(e -> ((StrataException) e).exitCode())
                .isEqualTo(ExitCode.INPUT);
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aFailedSetupIsAnEnvironmentErrorAndLeavesNothing(Isolation isolation) {
        // a lower dir that does not exist makes the overlay mount fail
        assertThatThrownBy(() ->
                        Steps.run(isolation, Steps.sh("true", work, List.of(rootfs, shared.resolve("missing-layer")))))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("could not set up the RUN step")
                .extracting(e -> ((StrataException) e).exitCode())
                .isEqualTo(ExitCode.ENVIRONMENT);
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void fromScratchRunsWithOnlyTheInitLayer(Isolation isolation) {
        Steps.Ran ran = Steps.run(isolation, RunRequest.builder(List.of("/no-shell"), work));
        try (RunResult r = ran.result()) {
            assertThat(r.exitCode()).isNotZero();
            assertThat(ran.upperFiles()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void rootfsSymlinksAreFollowedForMountPoints(Isolation isolation) throws IOException {
        Path layer = shared.resolve("links-" + isolation);
        Files.createDirectories(layer.resolve("var"));
        Files.createSymbolicLink(layer.resolve("var/run"), Path.of("/run"));
        Steps.Ran ran = Steps.run(
                isolation,
                Steps.sh("cat /var/run/secrets/k; echo", work, List.of(rootfs, layer))
                        .mount(new RunMount.Secret(
                                "/var/run/secrets/k", "k", Optional.of("v".getBytes()), true, 0400, 0, 0)));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("v");
            assertThat(ran.upperFiles()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Isolation.class,
            names = {"CRUN", "RUNC"})
    void manyLowerDirsStackInOrder(Isolation isolation) throws IOException {
        List<Path> lowers = new ArrayList<>(List.of(rootfs));
        for (int i = 0; i < 60; i++) {
            Path layer = Files.createDirectories(shared.resolve("stack-" + isolation + "/" + i + "/layers"));
            Files.writeString(layer.resolve("f" + i), "");
            Files.writeString(layer.resolve("top"), Integer.toString(i));
            lowers.add(layer.getParent());
        }
        Steps.Ran ran = Steps.run(
                isolation, Steps.sh("ls /layers | grep -c '^f'; cat /layers/top; echo; printf tail", work, lowers));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("60", "59", "tail");
            assertThat(ran.upperFiles()).isEmpty();
        }
    }
}
