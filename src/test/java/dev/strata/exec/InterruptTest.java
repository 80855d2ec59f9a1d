package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A strata process stopped (SIGTERM, as on Ctrl-C) mid-step kills the step and leaves nothing behind. */
class InterruptTest {
    @TempDir
    static Path shared;

    static Path rootfs;

    @TempDir
    Path work;

    @BeforeAll
    static void rootfs() {
        rootfs = BusyboxRootfs.create(shared.resolve("rootfs"));
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void aStoppedJvmCleansUp(Isolation isolation) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // a duration no other test run on this machine uses, to find this step's process
        String seconds = Long.toString(100000 + new SecureRandom().nextInt(900000));
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        InterruptedStepMain.class.getName(),
                        isolation.flag(),
                        work.toString(),
                        rootfs.toString(),
                        seconds)
                .redirectErrorStream(true)
                .start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            assertThat(r.readLine()).isEqualTo("started");
            p.destroy(); // SIGTERM: shutdown hooks run
            assertThat(p.waitFor(20, TimeUnit.SECONDS))
                    .as("the JVM exits without waiting for the sleep")
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Leaks.of(work)).isEmpty();
        assertThat(Leaks.processes("sleep " + seconds))
                .as("no sleep left running")
                .isEmpty();
    }
}
