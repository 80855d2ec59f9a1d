package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneCommandTest {
    @TempDir Path dir;

    @Test
    void pruneCommandRemovesUnreachableBlobsInARealProcess() throws Exception {
        Store s = Store.open(dir);
        var junk = s.putBlob("x", "junk".getBytes(StandardCharsets.UTF_8));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.strata.cli.Main", "prune").redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("removed 1 unreachable blob");
        assertThat(s.hasBlob(junk.digest())).isFalse();
    }
}
