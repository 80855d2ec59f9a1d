package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cli.StrataProcess.Signal;
import dev.strata.oci.Descriptor;
import dev.strata.registry.RegistryFixture;
import dev.strata.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * `strata push` of a multi-layer image to a real registry, killed at several points: the registry
 * never has the tag without every blob it references, and a second push sends only what is missing.
 */
class PushInterruptTest {
    /** Not a name on the test registry, so the push has no sibling repository to mount from. */
    static final String LOCAL = "local/big:1";

    @TempDir
    static Path home;

    static RegistryFixture registry;
    static Descriptor image;

    @BeforeAll
    static void image() {
        registry = RegistryFixture.plain();
        image = BigImages.store(Store.open(home), LOCAL, 4, 16 << 20, 11);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @ParameterizedTest(name = "{1}: {0} after {2} uploaded blobs / {3} ms")
    @CsvSource({
        // signal, destination repository, kill after this many blob uploads were logged (-1: by time), after ms
        "KILL, k1/app, 1, 0",
        "KILL, k3/app, 3, 0",
        "TERM, t2/app, 2, 0",
        "INT, i0/app, 0, 0",
        "KILL, kt/app, -1, 500",
        "INT, it/app, -1, 800",
    })
    void aKilledPushNeverLeavesAnIncompleteImage(Signal signal, String repo, int uploads, long millis)
            throws Exception {
        String dest = registry.host() + "/" + repo + ":1";
        StrataProcess p = StrataProcess.start(home, "push", LOCAL, dest);
        boolean hit = uploads >= 0 ? awaitUploads(p, repo, uploads) : KillPoints.await(p, home, 0, millis);
        StrataProcess.Result r = p.stop(signal);
        if (uploads >= 0) {
            // a time point may come after a quick push ended: then it checks a finished push, also fine
            assertThat(hit)
                    .as("the push still ran at the kill point: " + r.out())
                    .isTrue();
        }
        PushAftermath.check(registry, home, LOCAL, repo, image);
    }

    /** Waits until {@code n} blob uploads into {@code repo} finished (201 in the access log), or strata ended. */
    private static boolean awaitUploads(StrataProcess p, String repo, int n) throws InterruptedException {
        while (p.process.isAlive()) {
            long done = registry.accessLog().stream()
                    .filter(l -> l.startsWith("PUT /v2/" + repo + "/blobs/uploads/") && l.endsWith(" 201"))
                    .count();
            if (done >= n) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }
}
