package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which temp entries prune removes: a dead writer's at once, a live writer's never while young. */
class PruneTempsTest {
    @TempDir
    Path dir;

    @Test
    void aDeadWritersTempsGoAtOnceALiveWritersStay() throws Exception {
        Store s = Store.open(dir);
        long dead = deadPid();
        Path tmp = dir.resolve("tmp");
        Path deadBlob = Files.write(tmp.resolve("blob-pid" + dead + "-x"), new byte[10]);
        Path deadDir = Files.createDirectories(tmp.resolve("export-pid" + dead + "-y/sub"));
        Path liveBlob = Files.write(tmp.resolve(TempNames.of("blob")), new byte[10]);
        Path unnamed = Files.write(tmp.resolve("build-123"), new byte[10]);
        Path deadSnapshot = Files.createDirectories(dir.resolve("snapshots/.tmp-" + dead + "-abc-1/etc"));
        Path liveSnapshot = Files.createDirectories(
                dir.resolve("snapshots/.tmp-" + ProcessHandle.current().pid() + "-abc-2"));

        s.prune(Duration.ofMinutes(10));

        assertThat(deadBlob).doesNotExist();
        assertThat(deadDir.getParent()).doesNotExist();
        assertThat(deadSnapshot.getParent()).doesNotExist();
        // a running writer's, and one that names no writer, keep the hour they always had
        assertThat(liveBlob).exists();
        assertThat(unnamed).exists();
        assertThat(liveSnapshot).exists();
    }

    /** The pid of a process that has ended (reused within this test only by a very unlucky machine). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
