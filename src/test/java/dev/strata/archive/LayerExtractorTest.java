package dev.strata.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20) // a hostile blob must fail fast, never block or loop
class LayerExtractorTest {
    @TempDir
    Path tmp;

    /** A hand-built tar: each spec is "f:NAME=CONTENT", "d:NAME", "s:NAME>TARGET" or "h:NAME>TARGET". */
    static byte[] tar(String... specs) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String s : specs) {
                String body = s.substring(2);
                TarArchiveEntry e;
                byte[] content = new byte[0];
                switch (s.charAt(0)) {
                    case 'f' -> {
                        String[] kv = body.split("=", 2);
                        e = new TarArchiveEntry(kv[0], TarConstants.LF_NORMAL, true);
                        content = kv[1].getBytes(StandardCharsets.UTF_8);
                        e.setSize(content.length);
                    }
                    case 'd' -> e = new TarArchiveEntry(body, TarConstants.LF_DIR, true);
                    case 's', 'h' -> {
                        String[] kv = body.split(">", 2);
                        e = new TarArchiveEntry(
                                kv[0], s.charAt(0) == 's' ? TarConstants.LF_SYMLINK : TarConstants.LF_LINK, true);
                        e.setLinkName(kv[1]);
                    }
                    default -> throw new IllegalArgumentException(s);
                }
                t.putArchiveEntry(e);
                t.write(content);
                t.closeArchiveEntry();
            }
        }
        return o.toByteArray();
    }

    void extract(byte[] blob, Path target, WhiteoutMode mode) {
        LayerExtractor.extract(new ByteArrayInputStream(blob), target, mode, "test-layer");
    }

    @Test
    void fifoAndDeviceNodesGetModeOwnerAndTimeWithoutBeingOpened() throws Exception {
        // a fifo used to hang the extractor: the JDK opens a file to set its mode or times
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
            TarArchiveEntry fifo = new TarArchiveEntry("fifo", TarConstants.LF_FIFO, true);
            fifo.setMode(0640);
            fifo.setUserId(4321);
            fifo.setModTime(FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
            TarArchiveEntry dev = new TarArchiveEntry("blk", TarConstants.LF_BLK, true);
            dev.setDevMajor(7);
            dev.setDevMinor(200);
            dev.setMode(0600);
            dev.setModTime(FileTime.from(Instant.parse("2002-02-03T04:05:06Z")));
            for (TarArchiveEntry e : List.of(dev, fifo)) {
                t.putArchiveEntry(e);
                t.closeArchiveEntry();
            }
        }
        Path t = tmp.resolve("t");
        extract(o.toByteArray(), t, WhiteoutMode.APPLY);
        assertThat(Files.getAttribute(t.resolve("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0010640);
        assertThat(Files.getAttribute(t.resolve("fifo"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(4321);
        assertThat(Files.getLastModifiedTime(t.resolve("fifo"), LinkOption.NOFOLLOW_LINKS)
                        .toInstant())
                .isEqualTo(Instant.parse("2001-02-03T04:05:06Z"));
        assertThat(Files.getAttribute(t.resolve("blk"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0060600);
        assertThat(Files.getAttribute(t.resolve("blk"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(7L * 256 + 200);
        assertThat(Files.getLastModifiedTime(t.resolve("blk"), LinkOption.NOFOLLOW_LINKS)
                        .toInstant())
                .isEqualTo(Instant.parse("2002-02-03T04:05:06Z"));
    }

    @Test
    void roundTripKeepsTypesModesAndOwners() throws Exception {
        Path src = tmp.resolve("src");
        LayerWriterTest.tree(src);
        // a symlink's own time, far from now: the extractor must set it without following the link
        FileTime linkTime = FileTime.fromMillis(1_000_000_000_000L);
        Files.getFileAttributeView(src.resolve("link"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(linkTime, null, null);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WrittenLayer l = LayerWriter.writeTree(src, new LayerOptions(Compression.ZSTD, Optional.empty(), 1), o);
        Path dst = tmp.resolve("dst");
        var diff = LayerExtractor.extractDigesting(
                new ByteArrayInputStream(o.toByteArray()), dst, WhiteoutMode.APPLY, "rt");
        assertThat(diff).isEqualTo(l.diffId());
        assertThat(Files.getAttribute(dst.resolve("etc/passwd"), "unix:mode")).isEqualTo(0104755);
        assertThat(Files.getAttribute(dst.resolve("etc/passwd"), "unix:uid")).isEqualTo(123456789);
        assertThat(Files.getAttribute(dst.resolve("hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(dst.resolve("etc/passwd"), "unix:ino"));
        assertThat(Files.readSymbolicLink(dst.resolve("link"))).isEqualTo(Path.of("etc/passwd"));
        assertThat(Files.getLastModifiedTime(dst.resolve("link"), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(linkTime);
        assertThat(Files.getAttribute(dst.resolve("null"), "unix:rdev"))
                .isEqualTo(Files.getAttribute(src.resolve("null"), "unix:rdev"));
        assertThat(LayerWriterTest.run(
                        "getfattr", "-n", "user.note", dst.resolve("a-b").toString()))
                .contains("hello");
        // the extracted tree writes the same layer again
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(LayerWriter.writeTree(dst, new LayerOptions(Compression.ZSTD, Optional.empty(), 1), again))
                .isEqualTo(l);
    }

    @Test
    void whiteoutsApplyAndOverlay() throws Exception {
        Path t = tmp.resolve("t");
        extract(tar("d:dir/", "f:dir/a=1", "f:gone=1", "f:keep=1"), t, WhiteoutMode.APPLY);
        extract(tar("d:dir/", "f:dir/.wh..wh..opq=", "f:dir/b=2", "f:.wh.gone="), t, WhiteoutMode.APPLY);
        assertThat(Files.exists(t.resolve("gone"))).isFalse();
        assertThat(Files.exists(t.resolve("dir/a"))).isFalse();
        assertThat(t.resolve("dir/b")).hasContent("2");
        assertThat(t.resolve("keep")).exists();

        Path ov = tmp.resolve("ov");
        extract(tar("d:dir/", "f:dir/.wh..wh..opq=", "f:.wh.gone="), ov, WhiteoutMode.OVERLAY);
        assertThat(Files.getAttribute(ov.resolve("gone"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0020000);
        assertThat(Files.getAttribute(ov.resolve("gone"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0L);
        assertThat(LayerWriterTest.run(
                        "getfattr",
                        "-n",
                        "trusted.overlay.opaque",
                        ov.resolve("dir").toString()))
                .contains("\"y\"");
    }
}
