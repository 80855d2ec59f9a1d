package dev.strata.engine;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs the stages of a step graph: each stage starts once the stages it reads from are built, so
 * independent stages run in parallel (on a small pool: the machine's cores also run the RUN steps),
 * and a stage used several times is built once.
 */
final class StageScheduler {
    private StageScheduler() {}

    static StageResult solve(StageGraph graph, BuildSession session) {
        int threads = Math.max(1, Math.min(2, graph.stages().size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strata-stage");
            t.setDaemon(true);
            return t;
        });
        Map<Integer, CompletableFuture<StageResult>> futures = new ConcurrentHashMap<>();
        // a stage built FROM another continues its chain: a miss there explains misses here
        Map<Integer, Optional<Integer>> lastMisses = new ConcurrentHashMap<>();
        List<CompletableFuture<StageResult>> all = new ArrayList<>();
        try {
            for (StageNode n : graph.stages()) {
                CompletableFuture<?>[] deps = n.dependencies().stream()
                        .map(futures::get)
                        .filter(Objects::nonNull)
                        .toArray(CompletableFuture[]::new);
                CompletableFuture<StageResult> f = CompletableFuture.allOf(deps)
                        .thenApplyAsync(
                                v -> {
                                    StageRunner runner = new StageRunner(
                                            session,
                                            n,
                                            i -> stage(futures, i, n),
                                            i -> lastMisses.getOrDefault(i, Optional.empty()));
                                    StageResult result = runner.run();
                                    lastMisses.put(n.index(), runner.lastMiss());
                                    return result;
                                },
                                pool);
                futures.put(n.index(), f);
                all.add(f);
            }
            try {
                return futures.get(graph.target().index()).join();
            } catch (CompletionException e) {
                // let the other stages finish (or fail) before the scratch space goes away
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                        .handle((v, t) -> null)
                        .join();
                throw unwrap(e);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static StageResult stage(Map<Integer, CompletableFuture<StageResult>> futures, int index, StageNode user) {
        CompletableFuture<StageResult> f = futures.get(index);
        if (f == null) {
            throw StrataException.input(user.stage().stage().from().node().position() + ": stage " + index
                    + " is used by stage " + user.displayName() + " but is not part of this build");
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(CompletionException e) {
        Throwable c = e;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(c);
    }
}
