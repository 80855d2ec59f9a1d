package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers written from trees and upperdirs: deterministic, clamped, whiteouts in OCI form, unpacked back. */
class LayerTarTest {
    @TempDir
    Path dir;

    static List<String> entries(byte[] blob) throws Exception {
        List<String> out = new ArrayList<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(blob)))) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null;) {
                out.add(e.getName() + " " + Integer.toOctalString(e.getMode()) + " " + e.getLastModifiedDate().getTime() / 1000);
            }
        }
        return out;
    }

    @Test
    void sameTreeSameDigestsWithSortedNamesAndClampedTimes() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/sub"));
        Files.writeString(a.resolve("z.txt"), "z");
        Files.writeString(a.getParent().resolve("b.txt"), "b");
        Files.setLastModifiedTime(a.resolve("z.txt"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        LayerTar.Written w1 = LayerTar.writeTree(dir.resolve("a"), Instant.ofEpochSecond(1000), one);
        LayerTar.Written w2 = LayerTar.writeTree(dir.resolve("a"), Instant.ofEpochSecond(1000), two);
        assertThat(w1).isEqualTo(w2);
        assertThat(w1.descriptor().size()).isEqualTo(one.size());
        assertThat(entries(one.toByteArray())).extracting(s -> s.split(" ")[0] + " " + s.split(" ")[2])
                .containsExactly("b.txt 1000", "sub/ 1000", "sub/z.txt 1000");
    }

    @Test
    void upperdirWhiteoutsAndOpaqueDirsBecomeOciWhiteoutsAndUnpackBack() throws Exception {
        Path upper = Files.createDirectories(dir.resolve("upper/etc"));
        Files.createDirectories(dir.resolve("upper/data"));
        Files.writeString(dir.resolve("upper/data/new"), "n");
        assertThat(new ProcessBuilder("mknod", upper.resolve("group").toString(), "c", "0", "0").start().waitFor()).isZero();
        assertThat(new ProcessBuilder("setfattr", "-n", "trusted.overlay.opaque", "-v", "y",
                dir.resolve("upper/data").toString()).start().waitFor()).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.writeUpperdir(dir.resolve("upper"), Instant.EPOCH, out);
        assertThat(entries(out.toByteArray())).extracting(s -> s.split(" ")[0])
                .containsExactly("data/", "data/.wh..wh..opq", "data/new", "etc/", "etc/.wh.group");
        // applied on a rootfs: the whiteout deletes, the opaque dir hides what was below
        Path root = Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(root.resolve("group"), "g");
        Files.writeString(root.resolve("passwd"), "p");
        Files.createDirectories(dir.resolve("root/data"));
        Files.writeString(dir.resolve("root/data/old"), "o");
        LayerUnpack.extract(new ByteArrayInputStream(out.toByteArray()), dir.resolve("root"), false, "test layer");
        assertThat(root.resolve("group")).doesNotExist();
        assertThat(root.resolve("passwd")).exists();
        assertThat(dir.resolve("root/data/old")).doesNotExist();
        assertThat(dir.resolve("root/data/new")).hasContent("n");
    }

    @Test
    void unpackRefusesEntriesOutsideTheTarget() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(raw)) {
            TarArchiveEntry e = new TarArchiveEntry("../../escape.txt", true);
            e.setSize(1);
            t.putArchiveEntry(e);
            t.write('x');
            t.closeArchiveEntry();
        }
        Path target = Files.createDirectories(dir.resolve("t/in"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LayerUnpack.extract(
                new ByteArrayInputStream(raw.toByteArray()), target, false, "evil layer"))
                .hasMessageContaining("evil layer").hasMessageContaining("outside");
        assertThat(dir.resolve("escape.txt")).doesNotExist();
    }
}
