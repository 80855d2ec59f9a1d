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
 * `strata pull` of a multi-layer image from a real registry, killed at several points (by signal and
 * by how far the download got): the store stays sound and a second pull finishes it.
 */
class PullInterruptTest {
    @TempDir
    static Path shared;

    static RegistryFixture registry;
    static String ref;
    static Descriptor pushed;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        registry = RegistryFixture.plain();
        ref = registry.host() + "/big/app:1";
        pushed = BigImages.store(Store.open(shared.resolve("seed")), ref, 4, 16 << 20, 7);
        StrataProcess.Result push = StrataProcess.run(shared.resolve("seed"), "push", ref);
        assertThat(push.code()).as(push.out()).isZero();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @ParameterizedTest(name = "{0} at {1} bytes / {2} ms")
    @CsvSource({
        // signal, kill once the store's tmp/ holds this many bytes (0: by time), else after ms
        "KILL, 1, 0",
        "KILL, 20000000, 0",
        "TERM, 4000000, 0",
        "INT, 40000000, 0",
        "KILL, 0, 300",
        "INT, 0, 600",
    })
    void aKilledPullLeavesASoundStoreAndCanBeRepeated(Signal signal, long bytes, long millis) throws Exception {
        Path home = dir.resolve("home");
        StrataProcess p = StrataProcess.start(home, "pull", ref);
        boolean hit = KillPoints.await(p, home, bytes, millis);
        StrataProcess.Result r = p.stop(signal);
        if (bytes > 0) {
            assertThat(hit)
                    .as("the pull was still downloading at the kill point: " + r.out())
                    .isTrue();
        }
        PullAftermath.check(home, ref, pushed);
    }
}
