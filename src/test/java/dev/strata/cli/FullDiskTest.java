package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a small tmpfs that a build fills: the build fails cleanly (exit 4, "no space left"),
 * {@code doctor --verify} finds the store consistent afterwards, and a build that fits still works.
 */
class FullDiskTest {
    @TempDir
    Path dir;

    Path small;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        small = Files.createDirectories(dir.resolve("small"));
        StoreCommandsTest.tool("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", small.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        StoreCommandsTest.tool("umount", "-l", small.toString());
    }

    @Test
    void aBuildThatFillsTheDiskFailsCleanlyAndLeavesAConsistentStore() throws Exception {
        // the mount itself is the store: logs and the context (its siblings) stay off the small disk
        Path home = small;
        Path ctx = BusyboxStore.create(home, BusyboxStore.rootfsTar(dir));
        Files.delete(ctx.resolve("Dockerfile"));
        Path big = Files.createDirectories(dir.resolve("ctx"));
        byte[] noise = new byte[40 << 20];
        new Random(15).nextBytes(noise);
        Files.write(big.resolve("big.bin"), noise);
        Files.writeString(big.resolve("Dockerfile"), "FROM test/busybox:latest\nCOPY big.bin /big.bin\n");

        StrataProcess.Result full = StrataProcess.run(home, "build", "-t", "big:1", big.toString());
        assertThat(full.code()).as(full.out()).isEqualTo(4);
        assertThat(full.out().toLowerCase(Locale.ROOT)).contains("no space left");

        StrataProcess.Result verify = StrataProcess.run(home, "doctor", "--verify");
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(StoreAudit.problems(home)).isEmpty();
        assertThat(StoreAudit.temps(home))
                .as("the failed build's temp files are gone")
                .isEmpty();

        Files.writeString(big.resolve("small.txt"), "fits\n");
        Files.writeString(big.resolve("Dockerfile"), "FROM test/busybox:latest\nCOPY small.txt /small.txt\n");
        StrataProcess.Result fits = StrataProcess.run(home, "build", "-t", "small:1", big.toString());
        assertThat(fits.code()).as(fits.out()).isZero();
        assertThat(StrataProcess.run(home, "doctor", "--verify").code()).isZero();
    }
}
