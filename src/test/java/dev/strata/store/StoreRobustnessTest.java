package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.oci.Platform;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRobustnessTest {
    @TempDir
    Path dir;

    private static void age(Store s, Descriptor d, Duration by) throws Exception {
        Files.setLastModifiedTime(
                s.blobPath(d.digest()), FileTime.fromMillis(System.currentTimeMillis() - by.toMillis()));
    }

    @Test
    void pruneKeepsFreshBlobsOfABuildThatHasNotTaggedYet() throws Exception {
        Store s = Store.open(dir.resolve("store"));
        Descriptor fresh = s.putBlob("x", "written by a running build".getBytes(StandardCharsets.UTF_8));
        Descriptor stale = s.putBlob("x", "left over".getBytes(StandardCharsets.UTF_8));
        age(s, stale, Duration.ofHours(1));
        assertThat(s.prune()).isEqualTo(1);
        assertThat(s.hasBlob(fresh.digest())).isTrue();
        assertThat(s.hasBlob(stale.digest())).isFalse();
    }

    @Test
    void reusingAnOldUntaggedBlobRenewsItsGrace() throws Exception {
        Store a = Store.open(dir.resolve("a"));
        Image img = a.image(ImageImport.importRootfs(
                a, ImageImportTest.rootfsTar(dir), "i:1", "i:1", Platform.parse("linux/amd64")));
        Store b = Store.open(dir.resolve("b"));
        // an earlier, untagged copy of the layer sits in b, old enough to be pruned
        Descriptor layer = img.layers().get(0).descriptor();
        try (var in = img.layers().get(0).open()) {
            b.putBlob(layer.mediaType(), in, Optional.of(layer.digest()));
        }
        age(b, layer, Duration.ofHours(2));
        b.putImage(img); // a build re-uses it, then a prune runs before the tag is written
        b.prune();
        assertThat(b.hasBlob(layer.digest())).isTrue();
        b.tag("i:1", "i:1", img.manifest().descriptor());
        assertThat(b.image("i:1").orElseThrow().layers()).hasSize(1);
    }

    @Test
    void aFullDiskIsAnEnvironmentErrorAndLeavesNoPartialBlob() throws Exception {
        Path mnt = dir.resolve("tiny");
        Files.createDirectories(mnt);
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            Store s = Store.open(mnt.resolve("store"));
            byte[] big = new byte[1 << 20];
            new Random(1).nextBytes(big);
            assertThatThrownBy(() -> s.putBlob("x", new ByteArrayInputStream(big), Optional.empty()))
                    .isInstanceOfSatisfying(
                            StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                    .hasMessageContaining("no space left");
            // a rootfs of incompressible bytes: the import's gzip layer cannot fit either
            Path root = dir.resolve("rootfs");
            Files.createDirectories(root);
            Files.write(root.resolve("random.bin"), big);
            Path tar = dir.resolve("big.tar");
            run("tar", "-C", root.toString(), "-cf", tar.toString(), ".");
            assertThatThrownBy(() -> ImageImport.importRootfs(s, tar, "big:1", "big:1", Platform.parse("linux/amd64")))
                    .isInstanceOfSatisfying(
                            StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                    .hasMessageContaining("no space left");
            try (var blobs = Files.list(s.root().resolve("blobs/sha256"));
                    var tmp = Files.list(s.root().resolve("tmp"))) {
                assertThat(blobs.count()).isZero();
                assertThat(tmp.count()).isZero();
            }
            assertThat(s.tags()).isEmpty();
        } finally {
            run("umount", mnt.toString());
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
