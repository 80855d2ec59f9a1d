package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four strata processes on one store at once, round after round: two builds (one of them with a
 * file that changes every round, so it writes new layers), a prune with its grace period, and a
 * {@code doctor --verify} reading while they write. Every command succeeds, the verify never sees
 * damage that is not there, and at the end the store is consistent and a rebuild in a fresh store
 * gives the same digest. Rounds: {@code -Dstrata.concurrency.rounds} (default 1; the 50 with
 * {@code -Plong -Dstrata.concurrency.rounds=50}).
 */
class SharedStoreRoundsTest {
    @TempDir
    Path dir;

    @Test
    void buildsPruneAndVerifyAtOnceLeaveAConsistentStore() throws Exception {
        int rounds = Integer.getInteger("strata.concurrency.rounds", 1);
        Path tar = BusyboxStore.rootfsTar(dir);
        Path home = dir.resolve("home");
        Path ctx = BusyboxStore.create(home, tar);
        Path changing = Files.createDirectories(dir.resolve("changing"));
        Files.writeString(changing.resolve("Dockerfile"), BusyboxStore.DOCKERFILE);
        Files.writeString(changing.resolve("a.txt"), "a\n");
        for (int round = 1; round <= rounds; round++) {
            Files.writeString(changing.resolve("b.txt"), "round " + round + "\n");
            List<StrataProcess> all = List.of(
                    StrataProcess.start(home, "build", "-t", "app:a", ctx.toString()),
                    StrataProcess.start(home, "build", "-t", "app:b", changing.toString()),
                    StrataProcess.start(home, "prune"),
                    StrataProcess.start(home, "doctor", "--verify"));
            for (StrataProcess p : all) {
                StrataProcess.Result r = p.await(300);
                assertThat(r.code()).as("round " + round + ": " + r.out()).isZero();
            }
        }
        StrataProcess.Result verify = StrataProcess.run(home, "doctor", "--verify");
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).doesNotContain("broken");
        assertThat(StoreAudit.problems(home)).isEmpty();

        Path fresh = dir.resolve("fresh");
        BusyboxStore.create(fresh, tar);
        StrataProcess.Result again = StrataProcess.run(fresh, "build", "-t", "app:a", ctx.toString());
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(Store.open(fresh).resolve("app:a").orElseThrow().digest())
                .isEqualTo(Store.open(home).resolve("app:a").orElseThrow().digest());
    }
}
