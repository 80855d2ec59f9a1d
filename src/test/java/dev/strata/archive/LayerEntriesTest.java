package dev.strata.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LayerWriter.writeEntries: caller-described entries written like a tree of the same files. */
class LayerEntriesTest {
    @TempDir
    Path dir;

    private static final LayerOptions OPTS =
            new LayerOptions(Compression.NONE, Optional.of(Instant.ofEpochSecond(500)), 1);

    private static List<String> names(byte[] tar) throws Exception {
        List<String> out = new ArrayList<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                out.add(e.getName()
                        + (e.isLink() ? "->" + e.getLinkName() : e.isSymbolicLink() ? "~>" + e.getLinkName() : "")
                        + " " + Integer.toOctalString(e.getMode()) + " " + e.getLongUserId() + " "
                        + e.getModTime().toInstant().getEpochSecond() + " " + e.getSize());
            }
        }
        return out;
    }

    @Test
    void entriesAreSortedClampedAndTheFirstHardlinkedNameHoldsTheBytes() throws Exception {
        Path src = Files.writeString(dir.resolve("src"), "hello");
        List<LayerEntry> entries = List.of(
                new LayerEntry("z", LayerEntry.Type.DIRECTORY, 0750, 7, 7, 100, Optional.empty(), Optional.empty()),
                new LayerEntry("z/file", LayerEntry.Type.FILE, 0600, 7, 8, 9999, Optional.of(src), Optional.empty()),
                // the link sorts before its file: it becomes the file, the file a link to it
                new LayerEntry("a-link", LayerEntry.Type.HARDLINK, 0, 0, 0, 0, Optional.empty(), Optional.of("z/file")),
                new LayerEntry("s", LayerEntry.Type.SYMLINK, 0, 0, 0, 1, Optional.empty(), Optional.of("../x")),
                new LayerEntry("s", LayerEntry.Type.SYMLINK, 0, 0, 0, 1, Optional.empty(), Optional.of("z/file")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WrittenLayer w = LayerWriter.writeEntries(entries, OPTS, out);
        assertThat(names(out.toByteArray()))
                .containsExactly(
                        "a-link 600 7 500 5", "s~>z/file 777 0 1 0", "z/ 750 7 100 0", "z/file->a-link 600 7 500 0");
        assertThat(w.diffId()).isEqualTo(Digest.sha256(out.toByteArray()));

        // the same files as a tree on disk give the same bytes
        Path tree = Files.createDirectories(dir.resolve("tree/z"));
        Files.writeString(tree.resolve("file"), "hello", StandardCharsets.UTF_8);
        Files.createLink(tree.resolveSibling("a-link"), tree.resolve("file"));
        Files.createSymbolicLink(tree.resolveSibling("s"), Path.of("z/file"));
        for (Path p : List.of(tree, tree.resolve("file"))) {
            Files.setAttribute(p, "unix:uid", 7);
            Files.setAttribute(p, "unix:gid", p.equals(tree) ? 7 : 8);
        }
        Files.setAttribute(tree, "unix:mode", 0750);
        Files.setAttribute(tree.resolve("file"), "unix:mode", 0600);
        Files.setLastModifiedTime(tree.resolve("file"), FileTime.fromMillis(9_999_000));
        Files.setLastModifiedTime(tree, FileTime.fromMillis(100_000));
        Files.getFileAttributeView(tree.resolveSibling("s"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.fromMillis(1_000), null, null);
        ByteArrayOutputStream fromTree = new ByteArrayOutputStream();
        WrittenLayer t = LayerWriter.writeTree(dir.resolve("tree"), OPTS, fromTree);
        assertThat(names(fromTree.toByteArray())).isEqualTo(names(out.toByteArray()));
        assertThat(t).isEqualTo(w);
    }

    @Test
    void aHardlinkToNothingInTheListIsRefused() {
        List<LayerEntry> entries = List.of(
                new LayerEntry("l", LayerEntry.Type.HARDLINK, 0, 0, 0, 0, Optional.empty(), Optional.of("missing")));
        assertThatThrownBy(() -> LayerWriter.writeEntries(entries, OPTS, new ByteArrayOutputStream()))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("l does not lead to a file");
    }
}
