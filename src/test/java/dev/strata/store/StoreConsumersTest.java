package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConsumersTest {
    @TempDir
    Path dir;

    @Test
    void skopeoReadsATaggedImageFromTheStore() throws Exception {
        Store s = Store.open(dir);
        // an empty tar: two 512-byte zero blocks
        Descriptor layer = s.putBlob(MediaType.OCI_LAYER, new byte[1024]);
        String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layer.digest() + "\"]}}";
        Descriptor config = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        String man =
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + config.digest() + "\",\"size\":" + config.size()
                        + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + layer.digest()
                        + "\",\"size\":" + layer.size() + "}]}";
        Descriptor m = s.putBlob(MediaType.OCI_MANIFEST, man.getBytes(StandardCharsets.UTF_8));
        s.tag("demo", "docker.io/library/demo:latest", m);
        Process p = new ProcessBuilder("skopeo", "inspect", "--raw", "oci:" + dir + ":demo")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(man);
    }

    @Test
    void concurrentWritersOfOneBlobLeaveOneGoodCopy() throws Exception {
        Store s = Store.open(dir);
        byte[] b = new byte[300_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<Descriptor>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                fs.add(ex.submit((Callable<Descriptor>) () -> {
                    s.tag("t" + n, "t" + n, s.putBlob("x", b));
                    return null;
                }));
            }
            for (Future<Descriptor> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdown();
        }
        assertThat(s.tags()).hasSize(8);
        assertThat(Files.list(dir.resolve("blobs/sha256"))).hasSize(1);
        assertThat(Files.list(dir.resolve("tmp"))).isEmpty();
    }
}
