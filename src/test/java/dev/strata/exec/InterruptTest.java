package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
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
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                InterruptedStepMain.class.getName(), isolation.flag(), work.toString(), rootfs.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            assertThat(r.readLine()).isEqualTo("started");
            p.destroy(); // SIGTERM: shutdown hooks run
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the JVM exits without waiting for sleep 60").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Leaks.of(work)).isEmpty();
        assertThat(sleepers()).as("no sleep 60 left running").isEmpty();
    }

    private static List<ProcessHandle> sleepers() {
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains("sleep 60"))
                .toList();
    }

}
