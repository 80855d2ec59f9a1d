package dev.strata.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWriterTest {
    @TempDir
    Path tmp;

    static void tree(Path root) throws IOException {
        Files.createDirectories(root.resolve("etc/deep"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        for (int i = 0; i < big.length; i += 3) {
            big[i] = 'a'; // partly compressible
        }
        Files.write(root.resolve("etc/deep/big.bin"), big);
        Files.createSymbolicLink(root.resolve("link"), Path.of("etc/passwd"));
        Files.createLink(root.resolve("hard"), root.resolve("etc/passwd"));
        Files.writeString(root.resolve("a-b"), "x");
        Files.writeString(root.resolve("x".repeat(150)), "long name");
        Files.setAttribute(root.resolve("etc/passwd"), "unix:uid", 123456789);
        Files.setAttribute(root.resolve("etc/passwd"), "unix:mode", 04755);
        run("mkfifo", root.resolve("fifo").toString());
        run("mknod", root.resolve("null").toString(), "c", "1", "3");
        run("setfattr", "-n", "user.note", "-v", "hello", root.resolve("a-b").toString());
    }

    static String run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
            return out;
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    static WrittenLayer write(
            Path root, Compression c, int threads, Optional<Instant> epoch, ByteArrayOutputStream out) {
        return LayerWriter.writeTree(root, new LayerOptions(c, epoch, threads), out);
    }

    @Test
    void sameTreeSameDigestAcrossThreadsAndMtimes() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        tree(a);
        tree(b);
        Files.setLastModifiedTime(b.resolve("etc/deep/big.bin"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        Optional<Instant> epoch = Optional.of(Instant.parse("2020-01-01T00:00:00Z"));
        List<Digest> digests = new ArrayList<>();
        for (int threads : new int[] {1, 2, 4}) {
            ByteArrayOutputStream o1 = new ByteArrayOutputStream();
            ByteArrayOutputStream o2 = new ByteArrayOutputStream();
            WrittenLayer l1 = write(a, Compression.GZIP, threads, epoch, o1);
            WrittenLayer l2 = write(b, Compression.GZIP, threads, epoch, o2);
            assertThat(l1).isEqualTo(l2);
            assertThat(l1.descriptor().digest()).isEqualTo(Digest.sha256(o1.toByteArray()));
            assertThat(l1.descriptor().size()).isEqualTo(o1.size());
            digests.add(l1.descriptor().digest());
        }
        assertThat(digests).containsOnly(digests.get(0));
    }

    @Test
    void gzipIsValidForGnuToolsAndDiffIdIsTheTarDigest() throws Exception {
        Path a = tmp.resolve("a");
        tree(a);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WrittenLayer l = write(a, Compression.GZIP, 2, Optional.empty(), o);
        Path gz = tmp.resolve("l.tar.gz");
        Files.write(gz, o.toByteArray());
        run("gzip", "-t", gz.toString());
        String listing = run("tar", "-tvzf", gz.toString());
        assertThat(listing)
                .contains(
                        "etc/", "etc/passwd", "hard link to etc/passwd", "link -> etc/passwd", "x".repeat(150), "fifo")
                .contains("rwsr-xr-x 123456789/0");
        assertThat(listing).doesNotContain("./");
        run("gzip", "-d", gz.toString());
        byte[] tar = Files.readAllBytes(tmp.resolve("l.tar"));
        assertThat(Digest.sha256(tar)).isEqualTo(l.diffId());
        assertThat(l.descriptor().mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        // byte-wise order: "a-b" (0x2d) before "etc/"; names relative, dirs end with '/'
        List<String> names =
                List.of(run("tar", "-tf", tmp.resolve("l.tar").toString()).split("\n"));
        assertThat(names).startsWith("a-b", "etc/", "etc/deep/", "etc/deep/big.bin", "etc/passwd", "fifo", "hard");
        String xattrs = run(
                "tar",
                "--xattrs",
                "--xattrs-include=*",
                "-tvvf",
                tmp.resolve("l.tar").toString());
        assertThat(new String(tar, StandardCharsets.ISO_8859_1)).contains("SCHILY.xattr.user.note=hello");
        assertThat(xattrs).contains("a-b");
    }

    @Test
    void zstdAndNoneAreValidAndShareTheDiffId() throws Exception {
        Path a = tmp.resolve("a");
        tree(a);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        WrittenLayer lz = write(a, Compression.ZSTD, 1, Optional.empty(), z);
        WrittenLayer ln = write(a, Compression.NONE, 1, Optional.empty(), n);
        assertThat(lz.diffId()).isEqualTo(ln.diffId()).isEqualTo(Digest.sha256(n.toByteArray()));
        assertThat(ln.descriptor().digest()).isEqualTo(ln.diffId());
        Path zf = tmp.resolve("l.tar.zst");
        Files.write(zf, z.toByteArray());
        run("zstd", "-q", "-t", zf.toString());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(write(a, Compression.ZSTD, 1, Optional.empty(), again)).isEqualTo(lz);
    }

    @Test
    void parallelGzipMatchesForAnyThreadCountAndRoundTrips() throws Exception {
        byte[] data = new byte[5 * ParallelGzipOutputStream.BLOCK + 3];
        new Random(1).nextBytes(data);
        System.arraycopy(data, 0, data, 2 * ParallelGzipOutputStream.BLOCK, ParallelGzipOutputStream.BLOCK);
        byte[] first = null;
        for (int t : new int[] {1, 2, 4}) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (ParallelGzipOutputStream g = new ParallelGzipOutputStream(o, t)) {
                g.write(data);
            }
            if (first == null) {
                first = o.toByteArray();
            }
            assertThat(o.toByteArray()).isEqualTo(first);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(first))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new ParallelGzipOutputStream(empty, 2).close();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(empty.toByteArray()))) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void emptyTree() throws Exception {
        Path e = Files.createDirectory(tmp.resolve("e"));
        assertThat(LayerWriter.isEmptyTree(e)).isTrue();
        Files.writeString(e.resolve("f"), "");
        assertThat(LayerWriter.isEmptyTree(e)).isFalse();
    }

    @Test
    void overlayUpperdirBecomesOciWhiteouts() throws Exception {
        Path lower = tmp.resolve("lower");
        Path upper = tmp.resolve("upper");
        Path work = tmp.resolve("work");
        Path merged = tmp.resolve("merged");
        for (Path p : List.of(lower.resolve("dir"), upper, work, merged)) {
            Files.createDirectories(p);
        }
        Files.writeString(lower.resolve("gone"), "x");
        Files.writeString(lower.resolve("dir/old"), "x");
        run(
                "mount",
                "-t",
                "overlay",
                "overlay",
                "-o",
                "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work
                        + ",redirect_dir=off,metacopy=off,index=off",
                merged.toString());
        try {
            Files.delete(merged.resolve("gone"));
            Files.delete(merged.resolve("dir/old"));
            Files.delete(merged.resolve("dir"));
            Files.createDirectory(merged.resolve("dir"));
            Files.writeString(merged.resolve("dir/new"), "y");
        } finally {
            run("umount", merged.toString());
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WrittenLayer l = LayerWriter.writeUpperdir(upper, new LayerOptions(Compression.NONE, Optional.empty(), 1), o);
        Path tar = tmp.resolve("u.tar");
        Files.write(tar, o.toByteArray());
        List<String> names = List.of(run("tar", "-tf", tar.toString()).split("\n"));
        assertThat(names).containsExactly(".wh.gone", "dir/", "dir/.wh..wh..opq", "dir/new");
        assertThat(new String(o.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("trusted.overlay");
        assertThat(l.diffId()).isEqualTo(Digest.sha256(o.toByteArray()));
    }
}
