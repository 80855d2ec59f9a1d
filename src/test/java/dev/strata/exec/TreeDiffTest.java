package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.archive.Compression;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Isolation none's layer: what two snapshots of a tree differ by, as the layer tar says it. */
class TreeDiffTest {
    @TempDir
    Path dir;

    @Test
    void addedChangedAndDeletedEntriesBecomeFilesAndWhiteouts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        write(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        write(root, "etc/group", "root:x:0:\n");
        write(root, "etc/same", "untouched\n");
        write(root, "var/lib/old/a", "a\n");
        write(root, "var/lib/old/deep/b", "b\n");
        write(root, "usr/bin/tool", "v1\n");
        write(root, "file-to-dir", "f\n");
        Files.createDirectories(root.resolve("dir-to-file/x"));
        write(root, "proc/ignored", "the step's /proc is not its layer\n");
        write(root, "etc/hosts", "generated\n");
        Files.createSymbolicLink(root.resolve("link"), Path.of("etc/passwd"));
        TreeSnapshot before = TreeSnapshot.take(root, Set.of("proc", "etc/hosts"));

        // same size and mtime put back: only the ctime tells
        Path tool = root.resolve("usr/bin/tool");
        FileTime mtime = Files.getLastModifiedTime(tool);
        Files.writeString(tool, "v2\n");
        Files.setLastModifiedTime(tool, mtime);
        Files.setAttribute(root.resolve("etc/passwd"), "unix:mode", 0600);
        Files.delete(root.resolve("etc/group"));
        Tree.delete(root.resolve("var/lib/old"));
        write(root, "new/dir/file", "new\n");
        Files.delete(root.resolve("file-to-dir"));
        write(root, "file-to-dir/inside", "i\n");
        Tree.delete(root.resolve("dir-to-file"));
        write(root, "dir-to-file", "now a file\n");
        Files.delete(root.resolve("link"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("etc/same"));
        write(root, "proc/more", "ignored too\n");
        write(root, "etc/hosts", "changed, but not the layer's\n");
        TreeSnapshot after = TreeSnapshot.take(root, Set.of("proc", "etc/hosts"));

        Path layer = Files.createDirectory(dir.resolve("layer"));
        int changes = TreeDiff.write(before, after, layer);

        List<String> names = tarNames(layer);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "dir-to-file",
                        "etc/",
                        "etc/.wh.group",
                        "etc/passwd",
                        "file-to-dir/",
                        "file-to-dir/inside",
                        "link",
                        "new/",
                        "new/dir/",
                        "new/dir/file",
                        "usr/",
                        "usr/bin/",
                        "usr/bin/tool",
                        "var/",
                        "var/lib/",
                        "var/lib/.wh.old");
        assertThat(Files.readString(layer.resolve("usr/bin/tool"))).isEqualTo("v2\n");
        assertThat(Files.readSymbolicLink(layer.resolve("link"))).isEqualTo(Path.of("etc/same"));
        assertThat(Files.getAttribute(layer.resolve("etc/passwd"), "unix:mode")).isEqualTo(0100600);
        // one whiteout for the removed dir, none for what was below it
        assertThat(names).noneMatch(n -> n.contains("deep") || n.contains("old/a"));
        assertThat(changes).isEqualTo(13);
    }

    @Test
    void anUntouchedTreeGivesAnEmptyLayer() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        write(root, "a/b/c", "c\n");
        TreeSnapshot before = TreeSnapshot.take(root, Set.of());
        Files.readString(root.resolve("a/b/c"));
        Path layer = Files.createDirectory(dir.resolve("layer"));
        assertThat(TreeDiff.write(before, TreeSnapshot.take(root, Set.of()), layer))
                .isZero();
        assertThat(LayerWriter.isEmptyTree(layer)).isTrue();
    }

    @Test
    void aCopiedRootfsHonoursWhiteoutsAndOpaqueDirs() throws Exception {
        Path base = Files.createDirectories(dir.resolve("l0"));
        write(base, "keep", "k\n");
        write(base, "gone", "g\n");
        write(base, "opaque/old", "o\n");
        Path top = Files.createDirectories(dir.resolve("l1"));
        Files.createFile(top.resolve(".wh.gone"));
        write(top, "opaque/.wh..wh..opq", "");
        write(top, "opaque/new", "n\n");
        Path root = Files.createDirectory(dir.resolve("root"));
        RootfsCopy.materialize(List.of(base, top), root);
        assertThat(root.resolve("keep")).hasContent("k");
        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(root.resolve("opaque/old")).doesNotExist();
        assertThat(root.resolve("opaque/new")).hasContent("n");
        assertThat(root.resolve("opaque/.wh..wh..opq")).doesNotExist();
    }

    private static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static List<String> tarNames(Path layer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerWriter.writeUpperdir(layer, new LayerOptions(Compression.NONE, Optional.empty(), 1), out);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
