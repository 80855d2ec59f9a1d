package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cli.StrataProcess.Signal;
import dev.strata.exec.Leaks;
import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * `strata build` interrupted while its RUN step runs: Ctrl-C and a CI cancel leave nothing behind;
 * after SIGKILL the next build ignores the leftovers and succeeds, and prune removes them.
 */
class BuildInterruptTest {
    @TempDir
    static Path shared;

    static Path rootfsTar;

    @TempDir
    Path dir;
    /** This test's RUN sleep length: the test kills what it left running, whatever the outcome. */
    String nap = BusyboxStore.uniqueNap();

    @AfterEach
    void killLeftSleeps() throws Exception {
        for (ProcessHandle h : RunningStep.sleeps(nap)) {
            h.destroyForcibly();
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void unmountLeftovers() throws Exception {
        // a failing test must not leave its mounts to the machine
        for (String line : RunningStep.mountsUnder(dir)) {
            new ProcessBuilder("umount", "-l", line.split(" ")[4])
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    /**
     * COPY --from a stage of several layers reads it through a read-only overlay in the host's
     * namespace, open while the layer is written. Ctrl-C or a cancel then unmounts it before strata
     * exits, though the COPY is still reading; after SIGKILL it stays, the next build must not mind
     * and prune must unmount it (and not fail on the dir below it).
     */
    @ParameterizedTest
    @EnumSource(Signal.class)
    void aStopWhileCopyFromReadsAStageLeavesNoMount(Signal signal) throws Exception {
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, rootfsTar);
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM test/busybox:latest AS src
                RUN dd if=/dev/urandom of=/big bs=1M count=48 2>/dev/null
                RUN echo two > /two
                FROM test/busybox:latest
                COPY --from=src /big /two /
                """);
        StrataProcess p = StrataProcess.start(home, "build", "--progress=plain", "-t", "app:copy", ctx.toString());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (RunningStep.mountsUnder(home).stream().noneMatch(l -> l.contains("merged-"))) {
            assertThat(p.process.isAlive() && System.nanoTime() < deadline)
                    .as("the COPY view was mounted: " + p.output())
                    .isTrue();
            Thread.sleep(2);
        }
        StrataProcess.Result r = p.stop(signal);
        if (signal != Signal.KILL) {
            assertThat(RunningStep.mountsUnder(home)).as(r.out()).isEmpty();
            assertThat(StoreAudit.temps(home)).as(r.out()).isEmpty();
        }
        StrataProcess.Result next = StrataProcess.run(home, "build", "-t", "app:copy", ctx.toString());
        assertThat(next.code()).as(next.out()).isZero();
        StrataProcess.Result prune = StrataProcess.run(home, "prune");
        assertThat(prune.code()).as(prune.out()).isZero();
        assertThat(RunningStep.mountsUnder(home)).isEmpty();
        // a killed build's temp dirs carry its pid: the first prune takes them, whatever their age
        assertThat(StoreAudit.temps(home)).isEmpty();
        assertThat(StoreAudit.problems(home)).isEmpty();
    }

    @BeforeAll
    static void base() throws Exception {
        rootfsTar = BusyboxStore.rootfsTar(shared);
    }

    @ParameterizedTest
    @EnumSource(
            value = Signal.class,
            names = {"INT", "TERM"})
    void ctrlCOrCancelDuringRunLeavesNothing(Signal signal) throws Exception {
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, rootfsTar);
        StrataProcess p = StrataProcess.start(
                home, "build", "--progress=plain", "-t", "app:killed", "--build-arg", "NAP=" + nap, ctx.toString());
        RunningStep.await(p, nap);
        StrataProcess.Result r = p.stop(signal);

        assertThat(r.code()).as(r.out()).isNotZero();
        assertThat(RunningStep.sleeps(nap)).as("the RUN command is killed").isEmpty();
        assertThat(Leaks.of(home.resolve("tmp")))
                .as("mounts, runtime state, cgroups, scratch: " + r.out())
                .isEmpty();
        assertThat(RunningStep.mountsUnder(home)).isEmpty();
        assertThat(StoreAudit.problems(home)).isEmpty();
        assertThat(Store.open(home).resolve("app:killed")).isEmpty();
    }

    @Test
    void afterSigkillTheNextBuildIgnoresTheLeftoversAndPruneRemovesThem() throws Exception {
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, rootfsTar);
        StrataProcess p = StrataProcess.start(
                home, "build", "--progress=plain", "-t", "app:killed", "--build-arg", "NAP=" + nap, ctx.toString());
        RunningStep.await(p, nap);
        p.stop(Signal.KILL);
        assertThat(StoreAudit.problems(home)).isEmpty();
        assertThat(StoreAudit.temps(home)).as("the killed build's scratch dir").isNotEmpty();

        // documented: a SIGKILLed strata cannot stop its RUN command, which runs on meanwhile
        StrataProcess.Result next = StrataProcess.run(home, "build", "--progress=plain", "-t", "app:1", ctx.toString());
        assertThat(next.code()).as(next.out()).isZero();
        assertThat(StoreAudit.problems(home)).isEmpty();
        killLeftSleeps();
        // the runtime ends with its command: no state, cgroup or mount stays once it is gone
        Thread.sleep(500);
        assertThat(RunningStep.mountsUnder(home)).isEmpty();
        StrataProcess.Result prune = StrataProcess.run(home, "prune", "--grace=0s");
        assertThat(prune.code()).as(prune.out()).isZero();
        // the build's scratch dir carries the killed build's pid, so prune removes it at once, with every other temp
        // file
        assertThat(StoreAudit.temps(home))
                .as("temp files after prune --grace=0s")
                .isEmpty();
        assertThat(Leaks.of(home.resolve("tmp"))).isEmpty();
        assertThat(StoreAudit.problems(home)).isEmpty();
        assertThat(Files.exists(home.resolve("index.json"))).isTrue();
    }
}
