package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneCommandTest {
    @TempDir
    Path dir;

    @Test
    void pruneCommandRemovesUnreachableBlobsInARealProcess() throws Exception {
        Store s = Store.open(dir);
        var junk = s.putBlob("x", "junk".getBytes(StandardCharsets.UTF_8));
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.strata.cli.Main",
                        "prune",
                        "--grace",
                        "0s")
                .redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("removed 1 unreachable blob");
        assertThat(s.hasBlob(junk.digest())).isFalse();
    }

    @Test
    void imagesCommandListsTags() throws Exception {
        Store s = Store.open(dir);
        var layer = s.putBlob(MediaType.OCI_LAYER, new byte[1024]);
        String cfg =
                "{\"created\":\"2024-01-02T03:04:05Z\",\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                        + layer.digest() + "\"]}}";
        var config = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        var m = Manifest.of(MediaType.OCI_MANIFEST, config, List.of(layer), Map.of());
        s.tag("demo:1", "docker.io/library/demo:1", s.putBlob(MediaType.OCI_MANIFEST, m.bytes()));
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.strata.cli.Main",
                        "images")
                .redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out)
                .contains("demo")
                .contains("2024-01-02T03:04:05Z")
                .contains(config.digest().hex().substring(0, 12))
                .contains(String.valueOf(1024 + config.size()));
    }
}
