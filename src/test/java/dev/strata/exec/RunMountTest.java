package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RUN --mount of every type, in every isolation: visible in the step, never in its upper dir. */
class RunMountTest {
    @TempDir
    static Path shared;

    static Path rootfs;

    @TempDir
    Path work;

    @TempDir
    Path caches;

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
    }

    @AfterEach
    void nothingLeaks() throws IOException {
        assertThat(Leaks.of(work)).isEmpty();
    }

    private RunRequest.Builder sh(String script) {
        return Steps.sh(script, work, List.of(rootfs)).cacheRoot(caches);
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aCachePersistsBetweenRunsAndStaysOutOfTheLayer(Isolation isolation) throws IOException {
        RunMount.Cache cache = new RunMount.Cache(
                "/root/.cache", "pip", RunMount.Sharing.SHARED, 1000, 1000, 0700, false, Optional.empty());
        Steps.Ran first = Steps.run(
                isolation,
                sh("echo one >> /root/.cache/log; stat -c '%u %g %a' /root/.cache")
                        .mount(cache));
        try (RunResult r = first.result()) {
            assertThat(first.lines()).containsExactly("1000 1000 700");
            assertThat(first.upperFiles()).isEmpty();
        }
        Steps.Ran second = Steps.run(
                isolation,
                sh("echo two >> /root/.cache/log; cat /root/.cache/log").mount(cache));
        try (RunResult r = second.result()) {
            assertThat(second.lines()).containsExactly("one", "two");
            assertThat(second.upperFiles()).isEmpty();
        }
        assertThat(caches.resolve(MountPlan.cacheName("pip")).resolve("log")).hasContent("one\ntwo");
    }

    @ParameterizedTest
    // isolation none has no mounts: no read-only binds, no tmpfs, secrets are files (docs/exec.md)
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aReadOnlyCacheRefusesWrites(Isolation isolation) {
        RunMount.Cache cache =
                new RunMount.Cache("/c", "ro", RunMount.Sharing.LOCKED, 0, 0, 0755, true, Optional.empty());
        Steps.Ran ran = Steps.run(
                isolation,
                sh("touch /c/x 2>/dev/null && echo wrote || echo refused").mount(cache));
        ran.result().close();
        assertThat(ran.lines()).containsExactly("refused");
    }

    @ParameterizedTest
    // isolation none has no mounts: no read-only binds, no tmpfs, secrets are files (docs/exec.md)
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aSecretIsReadableInTheStepButNeverInTheLayer(Isolation isolation) {
        RunMount.Secret secret = new RunMount.Secret(
                "/run/secrets/token",
                "token",
                Optional.of("s3cret\n".getBytes(StandardCharsets.UTF_8)),
                true,
                0440,
                1000,
                0);
        Steps.Ran ran = Steps.run(
                isolation,
                sh("cat /run/secrets/token; stat -c '%a %u' /run/secrets/token;"
                                + " (echo x > /run/secrets/token) 2>/dev/null || echo readonly; mkdir -p /run/other")
                        .mount(secret));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("s3cret", "440 1000", "readonly");
            // the step made /run/other; /run comes along, the secret's stub does not
            assertThat(ran.upperFiles())
                    .containsExactly(r.upperDir().resolve("run"), r.upperDir().resolve("run/other"));
        }
        assertThat(ran.result().toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest
    // isolation none has no mounts: no read-only binds, no tmpfs, secrets are files (docs/exec.md)
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void whileAStepRunsNoFileOnDiskHoldsItsEnvironmentOrSecrets(Isolation isolation) {
        String value = "env-Sekret-" + System.nanoTime();
        List<String> onDisk = new ArrayList<>();
        RunRequest.Builder b = sh("echo \"$TOKEN\" | wc -c; sleep 1")
                .env(List.of("TOKEN=" + value + " 'q\\"))
                .mount(RunMount.Secret.of("f", ("file-" + value).getBytes(StandardCharsets.UTF_8)));
        RunExecutor ex = RunExecutors.probe(Optional.of(isolation));
        List<String> seen = new ArrayList<>();
        RunResult r = ex.run(b.output(line -> {
                    seen.add(line.strip());
                    // the step is running now: its spec (the environment) and secrets exist only on its tmpfs
                    try (var files = Files.walk(work)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            if (Files.readString(f, StandardCharsets.ISO_8859_1).contains(value)) {
                                onDisk.add(f.toString());
                            }
                        }
                    } catch (IOException e) {
                        onDisk.add("unreadable: " + e);
                    }
                })
                .build());
        r.close();
        assertThat(r.exitCode()).isZero();
        assertThat(onDisk).isEmpty();
        assertThat(seen).containsExactly(Integer.toString(value.length() + 5)); // the value, quotes intact
    }

    @Test
    void aMissingRequiredSecretIsAnInputError() {
        RunMount.Secret secret = new RunMount.Secret("/run/secrets/npm", "npm", Optional.empty(), true, 0400, 0, 0);
        assertThatThrownBy(() -> Steps.run(Isolation.CRUN, sh("true").mount(secret)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("--secret id=npm")
                .extracting(e -> ((StrataException) e).exitCode())
                .isEqualTo(ExitCode.INPUT);
    }

    @Test
    void aMissingOptionalSecretIsSkipped() {
        RunMount.Secret secret = new RunMount.Secret("/run/secrets/npm", "npm", Optional.empty(), false, 0400, 0, 0);
        Steps.Ran ran = Steps.run(
                Isolation.CRUN,
                sh("test -e /run/secrets/npm && echo there || echo absent").mount(secret));
        ran.result().close();
        assertThat(ran.lines()).containsExactly("absent");
    }

    @ParameterizedTest
    // isolation none has no mounts: no read-only binds, no tmpfs, secrets are files (docs/exec.md)
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void bindsAreReadOnlyOrDiscardWrites(Isolation isolation) throws IOException {
        Path src = Files.createDirectories(shared.resolve("ctx-" + isolation));
        Files.writeString(src.resolve("req.txt"), "flask\n");
        Steps.Ran ro = Steps.run(
                isolation,
                sh("cat /src/req.txt; touch /src/x 2>/dev/null && echo wrote || echo ro")
                        .mount(new RunMount.Bind("/src", src, false)));
        try (RunResult r = ro.result()) {
            assertThat(ro.lines()).containsExactly("flask", "ro");
            assertThat(ro.upperFiles()).isEmpty();
        }
        Steps.Ran rw = Steps.run(
                isolation,
                sh("echo more >> /src/req.txt; touch /src/x; cat /src/req.txt")
                        .mount(new RunMount.Bind("/src", src, true)));
        try (RunResult r = rw.result()) {
            assertThat(rw.lines()).containsExactly("flask", "more");
            assertThat(rw.upperFiles()).isEmpty();
        }
        assertThat(src.resolve("req.txt")).hasContent("flask");
        assertThat(src.resolve("x")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aFileCanBeBound(Isolation isolation) throws IOException {
        Path file = Files.writeString(shared.resolve("conf-" + isolation), "k=v");
        Steps.Ran ran = Steps.run(
                isolation, sh("cat /etc/app.conf; echo").mount(new RunMount.Bind("/etc/app.conf", file, false)));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("k=v");
            assertThat(ran.upperFiles()).isEmpty();
        }
    }

    @ParameterizedTest
    // isolation none has no mounts: no read-only binds, no tmpfs, secrets are files (docs/exec.md)
    @EnumSource(value = Isolation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aTmpfsIsEmptyAndDiscarded(Isolation isolation) {
        Steps.Ran ran = Steps.run(
                isolation,
                sh("ls -A /t | wc -l; echo x > /t/f; grep ' /t ' /proc/mounts | cut -d' ' -f3")
                        .mount(new RunMount.Tmpfs("/t", OptionalLong.of(1 << 20))));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("0", "tmpfs");
            assertThat(ran.upperFiles()).isEmpty();
        }
    }

    @Test
    void anSshMountWithoutAnAgentIsSkippedUnlessRequired() {
        RunMount.Ssh optional = new RunMount.Ssh("/run/ssh", "default", Optional.empty(), false, 0600, 0, 0);
        Steps.Ran ran = Steps.run(
                Isolation.CRUN,
                sh("test -e /run/ssh && echo there || echo absent").mount(optional));
        try (RunResult r = ran.result()) {
            assertThat(ran.lines()).containsExactly("absent");
        }
        RunMount.Ssh required = new RunMount.Ssh("/run/ssh", "gh", Optional.empty(), true, 0600, 0, 0);
        assertThatThrownBy(() -> Steps.run(Isolation.CRUN, sh("true").mount(required)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("no ssh agent gh was forwarded; pass --ssh gh")
                .extracting(e -> ((StrataException) e).exitCode())
                .isEqualTo(ExitCode.INPUT);
    }

    @Test
    void lockedCachesTakeTurnsAndPrivateOnesGetAFreshDirWhenBusy() throws Exception {
        RunMount.Cache locked =
                new RunMount.Cache("/c", "l", RunMount.Sharing.LOCKED, 0, 0, 0755, false, Optional.empty());
        String step = "if [ -e /c/busy ]; then echo clash; fi; touch /c/busy; sleep 0.3; rm /c/busy; echo done";
        CompletableFuture<Steps.Ran> a =
                CompletableFuture.supplyAsync(() -> Steps.run(Isolation.CRUN, sh(step).mount(locked)));
        CompletableFuture<Steps.Ran> b =
                CompletableFuture.supplyAsync(() -> Steps.run(Isolation.CRUN, sh(step).mount(locked)));
        for (Steps.Ran r : List.of(a.get(), b.get())) {
            r.result().close();
            assertThat(r.lines()).containsExactly("done");
        }

        RunMount.Cache priv =
                new RunMount.Cache("/c", "p", RunMount.Sharing.PRIVATE, 0, 0, 0755, false, Optional.empty());
        String mark = "ls /c; touch /c/$0; sleep 0.3";
        CompletableFuture<Steps.Ran> p1 = CompletableFuture.supplyAsync(() -> Steps.run(
                Isolation.CRUN,
                RunRequest.builder(List.of("/bin/sh", "-c", mark, "one"), work)
                        .lowerDirs(List.of(rootfs))
                        .cacheRoot(caches)
                        .mount(priv)));
        CompletableFuture<Steps.Ran> p2 = CompletableFuture.supplyAsync(() -> Steps.run(
                Isolation.CRUN,
                RunRequest.builder(List.of("/bin/sh", "-c", mark, "two"), work)
                        .lowerDirs(List.of(rootfs))
                        .cacheRoot(caches)
                        .mount(priv)));
        p1.get().result().close();
        p2.get().result().close();
        try (var s = Files.list(caches.resolve(MountPlan.cacheName("p")))) {
            // one of the two ran in the shared dir; the other's fresh dir is gone
            assertThat(s.map(x -> x.getFileName().toString()).toList())
                    .hasSize(1)
                    .isSubsetOf("one", "two");
        }
        try (var s = Files.list(caches)) {
            assertThat(s.map(x -> x.getFileName().toString())
                            .filter(n -> n.contains(".private-"))
                            .toList())
                    .isEmpty();
        }
    }
}
