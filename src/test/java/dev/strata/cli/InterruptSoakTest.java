package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cli.StrataProcess.Signal;
import dev.strata.exec.Leaks;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.registry.RegistryFixture;
import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interruption tests with random kill points, for as many rounds as {@code -Dstrata.soak.iterations}
 * (default 12; seed {@code -Dstrata.soak.seed}): each round pulls, pushes or builds, stops strata with a
 * random signal after a random delay, and checks what the quick tests check. Builds share one store
 * across rounds, so each round's leftovers meet the next round's build. Run with {@code mvn -Plong test}.
 */
@Tag("slow")
class InterruptSoakTest {
    /** Every kind of step: a cached base, COPY, RUN, and COPY --from a stage read through an overlay mount. */
    static final String DOCKERFILE = """
            FROM test/busybox:latest AS src
            RUN echo one > /one
            RUN echo two > /two
            FROM test/busybox:latest
            COPY a.txt /a.txt
            ARG NAP=0
            RUN echo made > /made.txt && sleep $NAP
            COPY --from=src /one /two /
            COPY b.txt /b.txt
            """;

    @TempDir
    Path dir;

    @Test
    void randomKillsNeverCorruptTheStoreOrTheRegistry() throws Exception {
        int rounds = Integer.getInteger("strata.soak.iterations", 12);
        long seed = Long.getLong("strata.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("soak seed " + seed + ", " + rounds + " rounds");
        try (RegistryFixture registry = RegistryFixture.plain()) {
            Path seedStore = dir.resolve("seed");
            String pullRef = registry.host() + "/soak/pull:1";
            Descriptor pulled = BigImages.store(Store.open(seedStore), pullRef, 4, 16 << 20, 3);
            assertThat(StrataProcess.run(seedStore, "push", pullRef).code()).isZero();
            String local = "local/soak:1";
            Path pushStore = dir.resolve("push");
            Descriptor pushed = BigImages.store(Store.open(pushStore), local, 4, 16 << 20, 5);

            Path tar = BusyboxStore.rootfsTar(dir);
            Path buildHome = dir.resolve("build");
            Path ctx = BusyboxStore.create(buildHome, tar);
            Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
            Digest expected = reference(tar, ctx);

            for (int i = 0; i < rounds; i++) {
                Signal signal = Signal.values()[random.nextInt(3)];
                int kind = random.nextInt(4);
                boolean noCache = random.nextBoolean();
                // most points inside the command: a cached build ends in about a second, others in three
                long delay = random.nextInt(kind < 2 ? 1500 : noCache ? 3000 : 1200);
                String what = "round " + i + " (seed " + seed + "): " + signal + " after " + delay + " ms of ";
                if (kind == 0) {
                    System.out.println(what + "pull");
                    Path home = dir.resolve("pull-" + i);
                    StrataProcess p = StrataProcess.start(home, "pull", pullRef);
                    KillPoints.await(p, home, 0, delay);
                    p.stop(signal);
                    PullAftermath.check(home, pullRef, pulled);
                } else if (kind == 1) {
                    System.out.println(what + "push");
                    String repo = "soak/push" + i;
                    StrataProcess p =
                            StrataProcess.start(pushStore, "push", local, registry.host() + "/" + repo + ":1");
                    KillPoints.await(p, pushStore, 0, delay);
                    p.stop(signal);
                    PushAftermath.check(registry, pushStore, local, repo, pushed);
                } else {
                    boolean prunes = kind == 3;
                    System.out.println(
                            what + "build" + (noCache ? " --no-cache" : "") + (prunes ? " with prune --grace=0s" : ""));
                    build(buildHome, ctx, signal, delay, noCache, prunes, expected);
                }
            }
        }
    }

    /** The digest of the soak's build in a store nothing disturbed. */
    private Digest reference(Path tar, Path ctx) throws Exception {
        Path home = dir.resolve("reference");
        BusyboxStore.create(home, tar);
        StrataProcess.Result r =
                StrataProcess.run(home, "build", "-t", "app:1", "--build-arg", "NAP=1", ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        return Store.open(home).resolve("app:1").orElseThrow().digest();
    }

    private static void build(
            Path home, Path ctx, Signal signal, long delay, boolean noCache, boolean prunes, Digest expected)
            throws Exception {
        StrataProcess p = noCache
                ? StrataProcess.start(
                        home, "build", "--no-cache", "-t", "app:killed", "--build-arg", "NAP=1", ctx.toString())
                : StrataProcess.start(home, "build", "-t", "app:killed", "--build-arg", "NAP=1", ctx.toString());
        long end = System.nanoTime() + delay * 1_000_000L;
        while (p.process.isAlive() && System.nanoTime() < end) {
            if (prunes) {
                // docs/store.md promises nothing to a build during prune --grace=0s, except a sound store
                assertThat(StrataProcess.run(home, "prune", "--grace=0s").code())
                        .isZero();
            } else {
                Thread.sleep(5);
            }
        }
        StrataProcess.Result r = p.stop(signal);
        System.out.println("  build exit " + r.code());
        if (signal == Signal.KILL) {
            Thread.sleep(1500); // the RUN command (sleep 1) a SIGKILLed strata leaves runs to its end
        }
        if (signal != Signal.KILL) {
            assertThat(RunningStep.mountsUnder(home))
                    .as("mounts after: " + r.out())
                    .isEmpty();
        }
        assertThat(StoreAudit.problems(home)).as("store after: " + r.out()).isEmpty();

        StrataProcess.Result next =
                StrataProcess.run(home, "build", "-t", "app:1", "--build-arg", "NAP=1", ctx.toString());
        assertThat(next.code()).as(next.out()).isZero();
        assertThat(Store.open(home).resolve("app:1").orElseThrow().digest()).isEqualTo(expected);

        assertThat(StrataProcess.run(home, "prune", "--grace=0s").code()).isZero();
        // a COPY --from view a SIGKILLed build left mounted is gone with the prune (BuildInterruptTest)
        assertThat(RunningStep.mountsUnder(home)).as("mounts after prune").isEmpty();
        // every temp file of a killed command carries its pid: the prune above took them all
        assertThat(StoreAudit.temps(home))
                .as("temp files after prune --grace=0s")
                .isEmpty();
        assertThat(Leaks.of(home.resolve("tmp"))).isEmpty();
        assertThat(StoreAudit.problems(home)).isEmpty();
    }
}
