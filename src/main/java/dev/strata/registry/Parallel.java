package dev.strata.registry;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs blob transfers with bounded parallelism; the first failure is rethrown as it was. */
final class Parallel {
    /** One transfer. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private Parallel() {}

    static void run(List<Task> tasks, int parallelism) {
        if (tasks.size() <= 1 || parallelism <= 1) {
            for (Task task : tasks) {
                call(task);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, tasks.size()), r -> {
            Thread th = new Thread(r, "strata-registry");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Task task : tasks) {
                futures.add(pool.submit(() -> {
                    call(task);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(o -> o.cancel(true));
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw StrataException.registry("a transfer failed: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.registry("interrupted during a transfer");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void call(Task task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StrataException.registry("a transfer failed: " + e.getMessage(), e);
        }
    }
}
