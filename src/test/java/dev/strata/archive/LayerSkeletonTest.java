package dev.strata.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A skeleton keeps every entry and its metadata, drops file contents but passwd/group, and is the same bytes however it is made. */
class LayerSkeletonTest {
    private static final Optional<Instant> EPOCH = Optional.of(Instant.ofEpochSecond(1_700_000_000L));

    @TempDir
    Path tmp;

    /** LayerWriterTest's tree (files, passwd, symlink, hardlink, fifo, device, xattr, long name) plus group, a whiteout and an opaque dir. */
    private Path upperdir() throws IOException {
        Path up = Files.createDirectories(tmp.resolve("up"));
        LayerWriterTest.tree(up);
        Files.writeString(up.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
        Files.writeString(up.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        LayerWriterTest.run("mknod", up.resolve("gone").toString(), "c", "0", "0");
        Files.createDirectories(up.resolve("opq"));
        Files.writeString(up.resolve("opq/kept.txt"), "new content");
        LayerWriterTest.run(
                "setfattr",
                "-n",
                "trusted.overlay.opaque",
                "-v",
                "y",
                up.resolve("opq").toString());
        Files.setAttribute(up.resolve("etc/deep"), "unix:mode", 0710);
        Files.setAttribute(up.resolve("etc/deep"), "unix:gid", 50);
        return up;
    }

    private record Written(byte[] layer, byte[] skeleton, Digest diffId) {}

    private Written write(Path up) {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        ByteArrayOutputStream skel = new ByteArrayOutputStream();
        LayerSkeleton s = LayerSkeleton.writingTo(skel);
        WrittenLayer w =
                LayerWriter.writeUpperdir(up, new LayerOptions(Compression.GZIP, EPOCH, 2), layer, Optional.of(s));
        s.finish();
        return new Written(layer.toByteArray(), skel.toByteArray(), w.diffId());
    }

    private static Map<String, TarArchiveEntry> entries(byte[] tar, boolean gzip, Map<String, byte[]> contents)
            throws IOException {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(
                gzip
                        ? new GZIPInputStream(new ByteArrayInputStream(tar))
                        : LayerExtractor.decompress(new ByteArrayInputStream(tar)))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), e);
                contents.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void keepsEveryEntryAndItsMetadataAndDropsFileContentsButPasswdAndGroup() throws Exception {
        Written w = write(upperdir());
        Map<String, byte[]> layerBytes = new LinkedHashMap<>();
        Map<String, byte[]> skelBytes = new LinkedHashMap<>();
        Map<String, TarArchiveEntry> layer = entries(w.layer(), false, layerBytes);
        Map<String, TarArchiveEntry> skel = entries(w.skeleton(), true, skelBytes);

        assertThat(new ArrayList<>(skel.keySet())).isEqualTo(new ArrayList<>(layer.keySet()));
        assertThat(skel)
                .containsKeys(".wh.gone", "opq/.wh..wh..opq", "hard", "link", "fifo", "null", "x".repeat(150))
                .doesNotContainKey("gone");
        for (TarArchiveEntry l : layer.values()) {
            TarArchiveEntry s = skel.get(l.getName());
            assertThat(s.getLinkFlag()).as(l.getName()).isEqualTo(l.getLinkFlag());
            assertThat(s.getMode()).as(l.getName()).isEqualTo(l.getMode());
            assertThat(s.getLongUserId()).as(l.getName()).isEqualTo(l.getLongUserId());
            assertThat(s.getLongGroupId()).as(l.getName()).isEqualTo(l.getLongGroupId());
            assertThat(s.getModTime()).as(l.getName()).isEqualTo(l.getModTime());
            assertThat(s.getLinkName()).as(l.getName()).isEqualTo(l.getLinkName());
            assertThat(s.getDevMajor()).as(l.getName()).isEqualTo(l.getDevMajor());
            assertThat(s.getDevMinor()).as(l.getName()).isEqualTo(l.getDevMinor());
            assertThat(s.getExtraPaxHeaders()).as(l.getName()).isEqualTo(l.getExtraPaxHeaders());
        }
        assertThat(skel.get("a-b").getExtraPaxHeaders()).containsEntry("SCHILY.xattr.user.note", "hello");
        assertThat(skel.get("etc/deep/").getMode()).isEqualTo(0710);
        assertThat(skel.get("etc/deep/").getLongGroupId()).isEqualTo(50);
        // contents: passwd and group kept byte for byte, everything else empty
        assertThat(skelBytes.get("etc/passwd"))
                .isEqualTo(layerBytes.get("etc/passwd"))
                .isNotEmpty();
        assertThat(new String(skelBytes.get("etc/group"), StandardCharsets.UTF_8))
                .isEqualTo("root:x:0:\nstaff:x:50:\n");
        assertThat(skelBytes.get("etc/shadow")).isEmpty();
        assertThat(skelBytes.get("etc/deep/big.bin")).isEmpty();
        assertThat(skel.get("etc/deep/big.bin").getSize()).isZero();
        assertThat(skelBytes.get("opq/kept.txt")).isEmpty();
        assertThat(w.skeleton().length).isLessThan(w.layer().length / 20);
    }

    @Test
    void theWriterTheUnpackerAndTheConverterMakeTheSameBytes() throws Exception {
        Path up = upperdir();
        Written w = write(up);
        // the same tree written again: the same skeleton
        assertThat(write(up).skeleton()).isEqualTo(w.skeleton());

        ByteArrayOutputStream converted = new ByteArrayOutputStream();
        assertThat(LayerSkeleton.of(new ByteArrayInputStream(w.layer()), converted, "test"))
                .isEqualTo(w.diffId());
        assertThat(converted.toByteArray()).isEqualTo(w.skeleton());

        ByteArrayOutputStream unpacked = new ByteArrayOutputStream();
        LayerSkeleton s = LayerSkeleton.writingTo(unpacked);
        Digest diff = LayerExtractor.extractDigesting(
                new ByteArrayInputStream(w.layer()),
                tmp.resolve("snap"),
                WhiteoutMode.OVERLAY,
                "test",
                p -> Optional.empty(),
                Optional.of(s));
        s.finish();
        assertThat(diff).isEqualTo(w.diffId());
        assertThat(unpacked.toByteArray()).isEqualTo(w.skeleton());

        // a skeleton of a skeleton changes nothing but the (already dropped) contents: it is a fixed point
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        LayerSkeleton.of(new ByteArrayInputStream(w.skeleton()), again, "skeleton");
        assertThat(again.toByteArray()).isEqualTo(w.skeleton());
    }

    @Test
    void aSkeletonUnpacksToTheSameTreeWithEmptyFiles() throws Exception {
        Written w = write(upperdir());
        Path real = tmp.resolve("real");
        Path skel = tmp.resolve("skel");
        LayerExtractor.extract(new ByteArrayInputStream(w.layer()), real, WhiteoutMode.OVERLAY, "layer");
        LayerExtractor.extract(new ByteArrayInputStream(w.skeleton()), skel, WhiteoutMode.OVERLAY, "skeleton");
        for (String p : List.of("etc", "etc/deep", "etc/passwd", "link", "opq", "gone", "hard")) {
            // the extractor sets no mtime on a symlink or a whiteout it makes, in a layer as in a skeleton
            String attrs =
                    p.equals("link") || p.equals("gone") ? "unix:mode,uid,gid" : "unix:mode,uid,gid,lastModifiedTime";
            assertThat(Files.readAttributes(skel.resolve(p), attrs, LinkOption.NOFOLLOW_LINKS))
                    .as(p)
                    .isEqualTo(Files.readAttributes(real.resolve(p), attrs, LinkOption.NOFOLLOW_LINKS));
        }
        assertThat(LayerWriterTest.run(
                        "getfattr",
                        "-n",
                        "trusted.overlay.opaque",
                        skel.resolve("opq").toString()))
                .contains("\"y\"");
        assertThat(Files.readSymbolicLink(skel.resolve("link"))).isEqualTo(Path.of("etc/passwd"));
        assertThat(Files.size(skel.resolve("etc/deep/big.bin"))).isZero();
        assertThat(Files.readString(skel.resolve("etc/group"))).isEqualTo(Files.readString(real.resolve("etc/group")));
    }
}
