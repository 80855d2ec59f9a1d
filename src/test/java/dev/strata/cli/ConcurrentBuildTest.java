package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds and prunes at once on one store, as separate strata processes (two terminals, two CI jobs). */
class ConcurrentBuildTest {
    @TempDir
    static Path shared;

    static Path rootfsTar;

    @TempDir
    Path dir;

    @BeforeAll
    static void base() throws Exception {
        rootfsTar = BusyboxStore.rootfsTar(shared);
    }

    @Test
    void twoBuildsOfOneDockerfileAtOnceBothSucceedWithOneDigest() throws Exception {
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, rootfsTar);
        // the RUN sleeps a second, so both builds are inside it (and writing the same layers) together
        StrataProcess a = StrataProcess.start(home, "build", "-t", "app:a", "--build-arg", "NAP=1", ctx.toString());
        StrataProcess b = StrataProcess.start(home, "build", "-t", "app:b", "--build-arg", "NAP=1", ctx.toString());
        StrataProcess.Result ra = a.await(120);
        StrataProcess.Result rb = b.await(120);
        assertThat(ra.code()).as(ra.out()).isZero();
        assertThat(rb.code()).as(rb.out()).isZero();
        Store s = Store.open(home);
        assertThat(s.resolve("app:a").orElseThrow().digest())
                .isEqualTo(s.resolve("app:b").orElseThrow().digest());
        assertThat(StoreAudit.problems(home)).isEmpty();
        assertThat(StoreAudit.temps(home)).isEmpty();
    }

    /**
     * docs/store.md: blobs younger than the grace period are kept because a build running at the same
     * time writes its blobs before it tags them. So prunes with the default grace, back to back
     * during a whole build, must leave it a complete image equal to an undisturbed build's.
     */
    @Test
    void pruneWithItsGracePeriodDuringABuildLeavesTheBuildWhole() throws Exception {
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, rootfsTar);
        StrataProcess build = StrataProcess.start(home, "build", "-t", "app:1", "--build-arg", "NAP=1", ctx.toString());
        int prunes = 0;
        while (build.process.isAlive()) {
            StrataProcess.Result prune = StrataProcess.run(home, "prune");
            assertThat(prune.code()).as(prune.out()).isZero();
            prunes++;
        }
        StrataProcess.Result r = build.await(10);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(prunes).as("prunes that ran during the build").isPositive();
        assertThat(StoreAudit.problems(home)).isEmpty();

        Path quiet = dir.resolve("quiet");
        BusyboxStore.create(quiet, rootfsTar);
        StrataProcess.Result undisturbed =
                StrataProcess.run(quiet, "build", "-t", "app:1", "--build-arg", "NAP=1", ctx.toString());
        assertThat(undisturbed.code()).as(undisturbed.out()).isZero();
        assertThat(Store.open(home).resolve("app:1").orElseThrow().digest())
                .isEqualTo(Store.open(quiet).resolve("app:1").orElseThrow().digest());
    }
}
