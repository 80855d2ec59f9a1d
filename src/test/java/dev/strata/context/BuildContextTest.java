package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

    static void write(Path root, String rel, String content) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void walkListsFilesDirsAndSymlinksAfterIgnore(@TempDir Path ctx) throws Exception {
        write(ctx, "app/main.py", "print(1)\n");
        write(ctx, "app/__pycache__/m.pyc", "x");
        write(ctx, "node_modules/react/index.js", "x");
        write(ctx, "docs/keep.md", "k");
        write(ctx, "docs/drop.md", "d");
        write(ctx, "run.sh", "#!/bin/sh\n");
        Files.setPosixFilePermissions(ctx.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(ctx.resolve("link"), Path.of("app/main.py"));
        Files.writeString(ctx.resolve(".dockerignore"), "node_modules\n**/__pycache__\ndocs\n!docs/keep.md\n");

        BuildContext bc = BuildContext.open(ctx, Optional.empty());
        assertThat(bc.walk())
                .extracting(ContextEntry::path)
                .containsExactly(".dockerignore", "app", "app/main.py", "docs", "docs/keep.md", "link", "run.sh");
        ContextEntry run = bc.stat("run.sh").orElseThrow();
        assertThat(run.type()).isEqualTo(FileType.REGULAR);
        assertThat(run.mode()).isEqualTo(0750);
        assertThat(run.size()).isEqualTo(10);
        ContextEntry link = bc.stat("link").orElseThrow();
        assertThat(link.type()).isEqualTo(FileType.SYMLINK);
        assertThat(link.linkTarget()).contains("app/main.py");
        assertThat(bc.stat("node_modules/react/index.js")).isEmpty();
        assertThat(bc.stat("../etc/passwd")).isEmpty();
        assertThat(bc.list("app")).extracting(ContextEntry::path).containsExactly("app/main.py");
        assertThat(bc.walk("docs")).extracting(ContextEntry::path).containsExactly("docs/keep.md");
    }

    @Test
    void excludedDirectoryWithoutExceptionsIsNotEntered(@TempDir Path ctx) throws Exception {
        write(ctx, "big/a/b/c.txt", "x");
        write(ctx, "small.txt", "x");
        // an unreadable... we run as root, so prove it by a directory the walker would fail to list:
        // a dangling name inside is fine; instead check that no entry below appears and the rules say skip
        DockerIgnore d = DockerIgnore.parse("big\n", "t");
        assertThat(d.mustDescend("big")).isFalse();
        assertThat(BuildContext.open(ctx, d).walk())
                .extracting(ContextEntry::path)
                .containsExactly("small.txt");
    }

    @Test
    void deepExceptionBringsItsParentDirectoriesOnly(@TempDir Path ctx) throws Exception {
        write(ctx, "a/b/c/keep", "k");
        write(ctx, "a/b/c/drop", "d");
        write(ctx, "a/b/other/x", "x");
        write(ctx, "a/z", "z");
        write(ctx, "top", "t");
        DockerIgnore d = DockerIgnore.parse("a\n!a/b/c/keep\n", "t");
        assertThat(BuildContext.open(ctx, d).walk())
                .extracting(ContextEntry::path)
                .containsExactly("a", "a/b", "a/b/c", "a/b/c/keep", "top");
        BuildContext bc = BuildContext.open(ctx, d);
        assertThat(bc.stat("a/b")).isPresent();
        assertThat(bc.stat("a/z")).isEmpty();
        assertThat(bc.stat("a/b/other")).isEmpty();
        assertThat(bc.list("a")).extracting(ContextEntry::path).containsExactly("a/b");
        CopyPlan p = CopyPlanner.plan(CopyRequest.copy("/d", "a"), CopySource.context(bc), ImageView.empty());
        assertThat(Fixtures.byDest(p).keySet()).containsExactly("/d", "/d/b", "/d/b/c", "/d/b/c/keep");
        DockerIgnore star = DockerIgnore.parse("*\n!**/x\n", "t");
        assertThat(BuildContext.open(ctx, star).walk())
                .extracting(ContextEntry::path)
                .containsExactly("a", "a/b", "a/b/other", "a/b/other/x");
    }
}
