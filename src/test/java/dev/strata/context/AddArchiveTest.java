package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADD of local archives, made by the real tar/gzip/bzip2/xz/zstd tools. */
class AddArchiveTest {
    @TempDir
    Path tmp;

    Path ctx;

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    @BeforeEach
    void makeTree() throws Exception {
        ctx = Files.createDirectories(tmp.resolve("ctx"));
        Path src = Files.createDirectories(tmp.resolve("src"));
        Fixtures.file(src, "pkg/bin/tool", "#!/bin/sh\necho tool\n", 0755);
        Fixtures.file(src, "pkg/etc/conf", "k=v\n", 0640);
        Fixtures.file(src, "pkg/.wh.ghost", "not a whiteout here\n", 0644);
        Files.createSymbolicLink(src.resolve("pkg/bin/alias"), Path.of("tool"));
        run(
                src,
                "tar",
                "--owner=33",
                "--group=44",
                "--numeric-owner",
                "-cf",
                ctx.resolve("plain.tar").toString(),
                "pkg");
    }

    private Path stageAdd(String source, String dest) {
        CopyPlan p = CopyPlanner.plan(
                CopyRequest.addOf(dest, source),
                CopySource.context(BuildContext.open(ctx, DockerIgnore.none())),
                ImageView.empty());
        Path stage = tmp.resolve("stage-" + source.replace('.', '_'));
        Stager.stage(p, stage);
        return stage;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "bzip2", "xz", "zstd"})
    void everyCompressionIsDetectedByContentAndExtracted(String codec) throws Exception {
        String name = "archive.bin";
        if (codec.equals("none")) {
            Files.copy(ctx.resolve("plain.tar"), ctx.resolve(name));
        } else {
            run(ctx, "sh", "-c", codec + " -c plain.tar > " + name);
        }
        assertThat(Archives.isArchive(ctx.resolve(name))).isTrue();
        Path stage = stageAdd(name, "/opt");
        Path tool = stage.resolve("opt/pkg/bin/tool");
        assertThat(Files.readString(tool)).contains("echo tool");
        assertThat(StagerTest.mode(tool)).isEqualTo(0755);
        assertThat(StagerTest.uid(tool)).isEqualTo(33);
        assertThat((Integer) Files.getAttribute(tool, "unix:gid")).isEqualTo(44);
        assertThat(StagerTest.mtime(tool)).isEqualTo(Fixtures.T1);
        assertThat(StagerTest.mode(stage.resolve("opt/pkg/etc/conf"))).isEqualTo(0640);
        assertThat(Files.readSymbolicLink(stage.resolve("opt/pkg/bin/alias"))).isEqualTo(Path.of("tool"));
        // whiteout names are ordinary files in ADD
        assertThat(stage.resolve("opt/pkg/.wh.ghost")).exists();
    }

    @Test
    void compressedNonTarIsCopiedAsIs() throws Exception {
        Files.writeString(ctx.resolve("notes.txt"), "just text\n");
        run(ctx, "sh", "-c", "gzip -c notes.txt > notes.txt.gz");
        assertThat(Archives.isArchive(ctx.resolve("notes.txt.gz"))).isFalse();
        Path stage = stageAdd("notes.txt.gz", "/d/");
        assertThat(Files.size(stage.resolve("d/notes.txt.gz"))).isEqualTo(Files.size(ctx.resolve("notes.txt.gz")));
    }

    @Test
    void copyNeverExtracts() throws Exception {
        CopyPlan p = CopyPlanner.plan(
                CopyRequest.copy("/d/", "plain.tar"),
                CopySource.context(BuildContext.open(ctx, DockerIgnore.none())),
                ImageView.empty());
        assertThat(p.entries())
                .extracting(CopyEntry::kind)
                .containsExactly(CopyEntry.Kind.DIRECTORY, CopyEntry.Kind.FILE);
    }

    @Test
    void chownAppliesToExtractedEntriesAndFilesAreOverwritten() throws Exception {
        CopyPlan p = CopyPlanner.plan(
                CopyRequest.addOf("/opt/", "plain.tar", "plain.tar").withChown("7:8"),
                CopySource.context(BuildContext.open(ctx, DockerIgnore.none())),
                ImageView.empty());
        Path stage = tmp.resolve("st");
        Stager.stage(p, stage);
        assertThat(StagerTest.uid(stage.resolve("opt/pkg/bin/tool"))).isEqualTo(7);
        assertThat(StagerTest.uid(stage.resolve("opt/pkg/bin/alias"))).isEqualTo(7);
    }

    @Test
    void entriesEscapingTheDestinationAreRefused() throws Exception {
        for (List<String> evil : List.of(List.of("../escape", "f"), List.of("link", "l../../../outside"))) {
            Path tar = ctx.resolve("evil.tar");
            try (OutputStream o = Files.newOutputStream(tar);
                    TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
                String kind = evil.get(1);
                TarArchiveEntry e;
                if (kind.startsWith("l")) {
                    e = new TarArchiveEntry(evil.get(0), TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(kind.substring(1));
                } else {
                    e = new TarArchiveEntry(evil.get(0));
                    e.setSize(1);
                }
                t.putArchiveEntry(e);
                if (!kind.startsWith("l")) {
                    t.write('x');
                }
                t.closeArchiveEntry();
            }
            assertThatThrownBy(() -> stageAdd("evil.tar", "/in"))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("outside the destination");
            assertThat(tmp.resolve("escape")).doesNotExist();
            Files.delete(tar);
        }
        assertThat(Files.exists(tmp.resolve("outside"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }
}
