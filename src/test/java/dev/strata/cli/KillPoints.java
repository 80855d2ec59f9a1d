package dev.strata.cli;

import java.nio.file.Path;

/** Waiting for the moment to interrupt a running strata: an amount of temp data, or a time. */
final class KillPoints {
    private KillPoints() {}

    /**
     * Waits until the store's tmp/ holds {@code bytes} (when positive), else until {@code millis}
     * passed; true if that happened while strata still ran (false: it ended first).
     */
    static boolean await(StrataProcess p, Path home, long bytes, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + (bytes > 0 ? 60_000 : millis) * 1_000_000L;
        while (p.process.isAlive() && System.nanoTime() < deadline) {
            if (bytes > 0 && StoreAudit.tempBytes(home) >= bytes) {
                return true;
            }
            Thread.sleep(1);
        }
        return p.process.isAlive();
    }
}
