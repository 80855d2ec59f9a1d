package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoProcessTest {
    @TempDir
    Path dir;

    static byte[] payload() {
        byte[] b = new byte[2_000_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + (i >> 9));
        }
        return b;
    }

    @Test
    void twoProcessesWritingTheSameBlobLeaveOneGoodCopyAndBothTags() throws Exception {
        Store.open(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        for (String tag : List.of("p1", "p2")) {
            ps.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            BlobWriterMain.class.getName(),
                            dir.toString(),
                            tag)
                    .redirectErrorStream(true)
                    .start());
        }
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
        }
        Store s = Store.open(dir);
        Digest d = Digest.sha256(payload());
        assertThat(s.readBlob(d)).isEqualTo(payload());
        assertThat(Files.list(dir.resolve("blobs/sha256"))).hasSize(1);
        assertThat(Files.list(dir.resolve("tmp"))).isEmpty();
        assertThat(s.resolve("p1")).isPresent();
        assertThat(s.resolve("p2")).isPresent();
    }
}
