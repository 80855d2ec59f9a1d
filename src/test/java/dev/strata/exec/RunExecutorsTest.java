package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtime detection: what is chosen, and what a machine lacking something is told. */
class RunExecutorsTest {
    @TempDir
    Path bin;

    /** A machine answering from a fake PATH made of {@code bin}, with the given root/overlay answers. */
    private EnvironmentProbe machine(boolean root, boolean overlay, String... tools) throws IOException {
        Path dir = Files.createTempDirectory(bin, "path");
        for (String t : tools) {
            Path p = Files.writeString(dir.resolve(t), "#!/bin/sh\n");
            p.toFile().setExecutable(true);
        }
        SystemProbe path = new SystemProbe(List.of(dir.toString(), bin.toString()));
        return new EnvironmentProbe() {
            public boolean isRoot() {
                return root;
            }

            public Optional<Path> executable(String name) {
                return path.executable(name);
            }

            public boolean overlaySupported() {
                return overlay;
            }

            public boolean hybridCgroups() {
                return true;
            }
        };
    }

    private static void failsWith(Runnable r, String text) {
        assertThatThrownBy(r::run)
                .isInstanceOf(StrataException.class)
                .hasMessageContaining(text)
                .extracting(e -> ((StrataException) e).exitCode())
                .isEqualTo(ExitCode.ENVIRONMENT);
    }

    @Test
    void thisMachineGetsCrun() {
        assertThat(RunExecutors.probe(Optional.empty()).isolation()).isEqualTo(Isolation.CRUN);
        assertThat(RunExecutors.probe(Optional.of(Isolation.RUNC)).isolation()).isEqualTo(Isolation.RUNC);
        assertThat(EnvironmentProbe.system().isRoot()).isTrue();
        assertThat(EnvironmentProbe.system().overlaySupported()).isTrue();
    }

    @Test
    void notRootIsToldToRunAsRoot() throws IOException {
        EnvironmentProbe m = machine(false, true, "crun", "unshare", "mount");
        failsWith(() -> RunExecutors.probe(Optional.empty(), m), "run strata as root");
    }

    @Test
    void noOverlayIsToldToLoadIt() throws IOException {
        EnvironmentProbe m = machine(true, false, "crun", "unshare", "mount");
        failsWith(() -> RunExecutors.probe(Optional.empty(), m), "modprobe overlay");
    }

    @Test
    void missingToolsAreNamed() throws IOException {
        failsWith(
                () -> RunExecutors.probe(Optional.empty(), uncheck(() -> machine(true, true, "crun", "mount"))),
                "install util-linux");
        failsWith(
                () -> RunExecutors.probe(
                        Optional.of(Isolation.CRUN), uncheck(() -> machine(true, true, "runc", "unshare", "mount"))),
                "--isolation=crun: crun not found on PATH: install it (apt-get install crun)");
    }

    @Test
    void probingFallsBackFromCrunToRuncToChroot() throws IOException {
        EnvironmentProbe m = machine(true, true, "unshare", "mount");
        assertThat(RunExecutors.probe(Optional.empty(), m).isolation()).isEqualTo(Isolation.CHROOT);
        Files.writeString(bin.resolve("runc"), "").toFile().setExecutable(true);
        assertThat(RunExecutors.probe(Optional.empty(), m).isolation()).isEqualTo(Isolation.RUNC);
        Files.writeString(bin.resolve("crun"), "").toFile().setExecutable(true);
        assertThat(RunExecutors.probe(Optional.empty(), m).isolation()).isEqualTo(Isolation.CRUN);
    }

    /** A container with docker's defaults: root, but unshare -m is refused; chroot is allowed or not. */
    private EnvironmentProbe container(boolean chroot, String... tools) throws IOException {
        EnvironmentProbe m = machine(true, true, tools);
        return new EnvironmentProbe() {
            public boolean isRoot() {
                return true;
            }

            public Optional<Path> executable(String name) {
                return m.executable(name);
            }

            public boolean overlaySupported() {
                return true;
            }

            public boolean hybridCgroups() {
                return false;
            }

            public boolean mountNamespaces() {
                return false;
            }

            public boolean canChroot() {
                return chroot;
            }
        };
    }

    @Test
    void noMountNamespaceGetsIsolationNone() throws IOException {
        EnvironmentProbe c = container(true, "crun", "unshare", "mount", "nsenter");
        assertThat(RunExecutors.probe(Optional.empty(), c).isolation()).isEqualTo(Isolation.NONE);
        // asked for, a runtime is still tried (and fails later, naming the mount it could not make)
        assertThat(RunExecutors.probe(Optional.of(Isolation.CRUN), c).isolation())
                .isEqualTo(Isolation.CRUN);
        failsWith(
                () -> RunExecutors.probe(Optional.empty(), uncheck(() -> container(false, "unshare", "nsenter"))),
                "isolation none needs root with CAP_SYS_CHROOT");
        failsWith(
                () -> RunExecutors.probe(Optional.of(Isolation.NONE), uncheck(() -> container(true, "unshare"))),
                "install util-linux");
        // on this machine (root, namespaces work) none is only taken when asked for
        assertThat(RunExecutors.probe(Optional.of(Isolation.NONE)).isolation()).isEqualTo(Isolation.NONE);
        assertThat(EnvironmentProbe.system().mountNamespaces()).isTrue();
    }

    @Test
    void aFakePathHidesTheRealRuntimes() throws IOException {
        SystemProbe p = new SystemProbe(List.of(bin.toString()));
        assertThat(p.executable("crun")).isEmpty();
        Files.writeString(bin.resolve("crun"), "");
        assertThat(p.executable("crun")).as("not executable").isEmpty();
        bin.resolve("crun").toFile().setExecutable(true);
        assertThat(p.executable("crun")).contains(bin.resolve("crun"));
    }

    @Test
    void isolationNamesParse() {
        assertThat(Isolation.parse("RunC")).isEqualTo(Isolation.RUNC);
        assertThatThrownBy(() -> Isolation.parse("docker"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("use crun, runc, chroot or none");
        assertThat(Isolation.parse("none")).isEqualTo(Isolation.NONE);
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T uncheck(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anOverlayThatWillNotMountFallsBackToIsolationNoneUnlessARuntimeIsAsked() throws IOException {
        EnvironmentProbe m = machine(true, true, "crun", "unshare", "mount", "nsenter");
        EnvironmentProbe refusing = new EnvironmentProbe() {
            public boolean isRoot() {
                return true;
            }

            public Optional<Path> executable(String name) {
                return m.executable(name);
            }

            public boolean overlaySupported() {
                return true;
            }

            public boolean hybridCgroups() {
                return false;
            }

            public Optional<String> overlayRefused(Path workDir) {
                return Optional.of("mount: permission denied");
            }
        };
        Path work = Path.of("/tmp/strata-work");
        RunExecutor none = RunExecutors.probe(Optional.empty(), refusing, work);
        assertThat(none.isolation()).isEqualTo(Isolation.NONE);
        assertThat(none.notice())
                .contains("overlayfs does not mount under /tmp/strata-work (mount: permission denied)")
                .contains("fall back to isolation none");
        failsWith(
                () -> RunExecutors.probe(Optional.of(Isolation.CRUN), refusing, work),
                "--isolation=crun runs on overlayfs, but overlayfs does not mount");
        // the probe without a work root, and a machine whose overlay mounts, keep the runtime
        assertThat(RunExecutors.probe(Optional.empty(), refusing).isolation()).isEqualTo(Isolation.CRUN);
        assertThat(RunExecutors.probe(Optional.empty(), m, work).isolation()).isEqualTo(Isolation.CRUN);
    }

    @Test
    void theOverlayTrialMountsHereAndIsRefusedOnlyWhenForced() throws IOException {
        Path work = Files.createTempDirectory("strata-overlay-trial-");
        try {
            assertThat(EnvironmentProbe.system().overlayRefused(work))
                    .isEqualTo(OverlayTrial.forcedOff() ? Optional.of("STRATA_OVERLAY=off is set") : Optional.empty());
        } finally {
            Tree.delete(work);
        }
    }
}
