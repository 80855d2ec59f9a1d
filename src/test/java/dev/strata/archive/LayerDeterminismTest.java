package dev.strata.archive;

import static dev.strata.archive.LayerWriterTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same tree gives the same layer, bit for bit, however it was made on disk (creation order,
 * which name of a hardlink came first, mtimes past the epoch) and whatever the thread count.
 */
class LayerDeterminismTest {
    private static final Optional<Instant> EPOCH = Optional.of(Instant.parse("2020-01-01T00:00:00Z"));

    @TempDir
    Path tmp;

    /** One tree, made in the given order; {@code reverse} also swaps which hardlink name is the original. */
    static void tree(Path root, boolean reverse) throws IOException {
        List<String> dirs = reverse
                ? List.of("usr/share/doc", "var/empty", "etc", "usr/lib/x")
                : List.of("usr/lib/x", "etc", "var/empty", "usr/share/doc");
        for (String d : dirs) {
            Files.createDirectories(root.resolve(d));
        }
        byte[] big = new byte[2 * ParallelGzipOutputStream.BLOCK + 999];
        new Random(11).nextBytes(big);
        for (int i = 0; i < big.length; i += 2) {
            big[i] = (byte) (i >> 12); // compressible halves, so blocks really reference each other
        }
        for (int i = 0; i < 30; i++) {
            int n = reverse ? 29 - i : i;
            Files.writeString(root.resolve("usr/share/doc/f" + n), "file " + n + "\n".repeat(n));
        }
        Files.write(root.resolve("usr/lib/x/big.so"), big);
        Path a = root.resolve("usr/lib/x/libz.so.1");
        Path b = root.resolve("etc/libz-copy");
        Files.writeString(reverse ? b : a, "shared inode\n");
        Files.createLink(reverse ? a : b, reverse ? b : a);
        Files.createSymbolicLink(root.resolve("usr/lib/libz.so"), Path.of("x/libz.so.1"));
        run(
                "setfattr",
                "-n",
                "security.capability",
                "-v",
                "0x0100000200200000000000000000000000000000",
                root.resolve("etc/libz-copy").toString());
        run("setfattr", "-n", "user.b", "-v", "2", root.resolve("etc").toString());
        run("setfattr", "-n", "user.a", "-v", "1", root.resolve("etc").toString());
        run(
                "setfattr",
                "-n",
                "trusted.overlay.origin",
                "-v",
                "0x00fb",
                root.resolve("etc").toString());
        run("setfattr", "-n", "trusted.note", "-v", "kept", root.resolve("etc").toString());
    }

    @Test
    void sameTreeSameDigestsWhateverTheOrderMtimesAndThreads() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        tree(a, false);
        tree(b, true);
        // on-disk mtimes differ (all later than the epoch, so clamped)
        Files.setLastModifiedTime(b.resolve("usr/lib/x/big.so"), FileTime.from(Instant.parse("2031-05-05T00:00:00Z")));
        Files.setLastModifiedTime(b.resolve("etc"), FileTime.from(Instant.parse("2029-01-01T00:00:00Z")));
        Set<Digest> diffIds = new HashSet<>();
        for (Compression c : Compression.values()) {
            Set<Digest> blobs = new HashSet<>();
            for (Path root : List.of(a, b)) {
                for (int threads : new int[] {1, 2, 4}) {
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    WrittenLayer l = LayerWriter.writeTree(root, new LayerOptions(c, EPOCH, threads), o);
                    assertThat(l.descriptor().digest())
                            .as(c + " " + root + " " + threads)
                            .isEqualTo(Digest.sha256(o.toByteArray()));
                    assertThat(l.descriptor().size()).isEqualTo(o.size());
                    blobs.add(l.descriptor().digest());
                    diffIds.add(l.diffId());
                }
            }
            assertThat(blobs).as(c.name()).hasSize(1);
        }
        assertThat(diffIds).as("one diffID for every compression").hasSize(1);
    }

    @Test
    void xattrsAreKeptExceptOverlayOnesAndHardlinksAreLinks() throws Exception {
        Path a = tmp.resolve("a");
        tree(a, true);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        LayerWriter.writeTree(a, new LayerOptions(Compression.NONE, EPOCH, 1), o);
        String raw = new String(o.toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(raw)
                .contains(
                        "SCHILY.xattr.user.a=1",
                        "SCHILY.xattr.user.b=2",
                        "SCHILY.xattr.trusted.note=kept",
                        "SCHILY.xattr.security.capability=")
                .doesNotContain("trusted.overlay");
        assertThat(raw.indexOf("SCHILY.xattr.trusted.note")).isLessThan(raw.indexOf("SCHILY.xattr.user.a"));
        Path tar = tmp.resolve("l.tar");
        Files.write(tar, o.toByteArray());
        String listing = run("tar", "-tvf", tar.toString());
        // byte order makes etc/libz-copy the file and the later name the link, however the disk made them
        assertThat(listing).contains("usr/lib/x/libz.so.1 link to etc/libz-copy");
        assertThat(listing).contains("usr/lib/libz.so -> x/libz.so.1");
        assertThat(listing.lines().filter(l -> l.contains("2020-01-01 00:00")).count())
                .isEqualTo(listing.lines().count());
        // GNU tar reads the capability back as the same bytes
        Path out = Files.createDirectory(tmp.resolve("out"));
        run("tar", "--xattrs", "--xattrs-include=*", "-xf", tar.toString(), "-C", out.toString());
        assertThat(run(
                        "getfattr",
                        "-n",
                        "security.capability",
                        "-e",
                        "hex",
                        out.resolve("etc/libz-copy").toString()))
                .contains("0x0100000200200000000000000000000000000000");
    }

    @Test
    void upperdirWhiteoutsAreConvertedOnlyForUpperdirs() throws Exception {
        // an upperdir as overlayfs leaves it, made by hand
        Path up = Files.createDirectories(tmp.resolve("up/dir"));
        up = up.getParent();
        Files.writeString(up.resolve("dir/new"), "n");
        run("mknod", up.resolve("gone").toString(), "c", "0", "0");
        run("mknod", up.resolve("null").toString(), "c", "1", "3");
        run(
                "setfattr",
                "-n",
                "trusted.overlay.opaque",
                "-v",
                "y",
                up.resolve("dir").toString());
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        LayerWriter.writeUpperdir(up, new LayerOptions(Compression.NONE, EPOCH, 1), o);
        Path tar = Files.write(tmp.resolve("u.tar"), o.toByteArray());
        List<String> listing = run("tar", "-tvf", tar.toString()).lines().toList();
        assertThat(listing).hasSize(5);
        assertThat(listing.get(0)).startsWith("-rw-r--r-- 0/0").endsWith(" .wh.gone");
        assertThat(listing.get(1)).startsWith("d").endsWith(" dir/");
        assertThat(listing.get(2)).startsWith("-rw-r--r-- 0/0").endsWith(" dir/.wh..wh..opq");
        assertThat(listing.get(3)).endsWith(" dir/new");
        assertThat(listing.get(4)).startsWith("c").contains(" 1,3 ").endsWith(" null");
        assertThat(new String(o.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("trusted.overlay");
        // the same directory as a plain tree: the 0/0 device is just a device, no whiteouts
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        LayerWriter.writeTree(up, new LayerOptions(Compression.NONE, EPOCH, 1), plain);
        Path tar2 = Files.write(tmp.resolve("p.tar"), plain.toByteArray());
        String names = run("tar", "-tvf", tar2.toString());
        assertThat(names).doesNotContain(".wh.").contains(" 0,0 ").contains("gone");
        assertThat(new String(plain.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("trusted.overlay");
    }
}
