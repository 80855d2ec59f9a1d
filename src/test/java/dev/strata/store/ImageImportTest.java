package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageImportTest {
    @TempDir
    Path dir;

    Path tar;

    /** A small rootfs tarball made by GNU tar, as a user would. */
    static Path rootfsTar(Path dir) throws Exception {
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.write(root.resolve("bin/tool"), new byte[100_000]);
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("tool"));
        Path t = dir.resolve("rootfs.tar");
        Process p = new ProcessBuilder(
                        "tar",
                        "--sort=name",
                        "--mtime=@0",
                        "--owner=0",
                        "--group=0",
                        "--numeric-owner",
                        "-C",
                        root.toString(),
                        "-cf",
                        t.toString(),
                        ".")
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
        return t;
    }

    @BeforeEach
    void makeTar() throws Exception {
        tar = rootfsTar(dir);
    }

    @Test
    void tarballBecomesAOneLayerImageWithTheTarDigestAsDiffId() throws Exception {
        Store s = Store.open(dir.resolve("store"));
        Descriptor d =
                ImageImport.importRootfs(s, tar, "base:1", "docker.io/library/base:1", Platform.parse("linux/arm64"));
        assertThat(s.resolve("base:1").orElseThrow().digest()).isEqualTo(d.digest());
        Image img = s.image(d);
        assertThat(img.layers()).hasSize(1);
        assertThat(img.layers().get(0).descriptor().mediaType()).isEqualTo(MediaType.OCI_LAYER_GZIP);
        Digest diffId = Digest.sha256(Files.readAllBytes(tar));
        assertThat(img.layers().get(0).diffId()).isEqualTo(diffId);
        try (InputStream in = new GZIPInputStream(img.layers().get(0).open())) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(tar));
        }
        ImageConfig c = img.config();
        assertThat(c.platform()).isEqualTo(Platform.parse("linux/arm64"));
        assertThat(c.diffIds()).containsExactly(diffId);
        assertThat(c.history()).hasSize(1);
        assertThat(c.created()).contains("1970-01-01T00:00:00Z");
    }

    @Test
    void sameTarballPlainGzipOrZstdGivesTheSameImageDigest() throws Exception {
        Path gz = dir.resolve("rootfs.tar.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(tar));
        }
        Path zst = dir.resolve("rootfs.tar.zst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(Files.readAllBytes(tar));
        }
        Platform p = Platform.parse("linux/amd64");
        Digest a = ImageImport.importRootfs(Store.open(dir.resolve("s1")), tar, "b:1", "b:1", p)
                .digest();
        Digest b = ImageImport.importRootfs(Store.open(dir.resolve("s2")), gz, "b:1", "b:1", p)
                .digest();
        Digest c = ImageImport.importRootfs(Store.open(dir.resolve("s3")), zst, "other:2", "other:2", p)
                .digest();
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
    }

    @Test
    void truncatedTarIsAnInputErrorNamingTheFileAndLeavesTheStoreAsItWas() throws Exception {
        Store s = Store.open(dir.resolve("store"));
        byte[] all = Files.readAllBytes(tar);
        Path cut = dir.resolve("cut.tar");
        Files.write(cut, Arrays.copyOf(all, 50_000));
        assertThatThrownBy(() -> ImageImport.importRootfs(s, cut, "x:1", "x:1", Platform.parse("linux/amd64")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated or corrupt");
        Path gzCut = dir.resolve("cut.tar.gz");
        byte[] gz;
        var bo = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) {
            o.write(all);
        }
        gz = bo.toByteArray();
        Files.write(gzCut, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> ImageImport.importRootfs(s, gzCut, "x:1", "x:1", Platform.parse("linux/amd64")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining(gzCut.toString());
        Path junk = dir.resolve("junk.tar");
        Files.writeString(junk, "this is not a tar archive at all\n".repeat(40));
        assertThatThrownBy(() -> ImageImport.importRootfs(s, junk, "x:1", "x:1", Platform.parse("linux/amd64")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining(junk.toString());
        assertThat(s.tags()).isEmpty();
        try (var l = Files.list(s.root().resolve("blobs/sha256"));
                var t = Files.list(s.root().resolve("tmp"))) {
            assertThat(l.count()).isZero();
            assertThat(t.count()).isZero();
        }
    }

    @Test
    void missingFileIsAnInputError() {
        Store s = Store.open(dir.resolve("store"));
        assertThatThrownBy(() -> ImageImport.importRootfs(
                        s, dir.resolve("nope.tar"), "x:1", "x:1", Platform.parse("linux/amd64")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining("nope.tar");
    }
}
