package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The materialiser writes exactly what the plan says: bytes, modes, owners, mtimes, links. */
class StagerTest {
    @TempDir
    Path tmp;

    static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    static FileTime mtime(Path p) throws Exception {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void stagesFilesDirsSymlinksWithModesOwnersAndMtimes() throws Exception {
        CopySource ctx = CopySource.context(Fixtures.context(Files.createDirectories(tmp.resolve("ctx"))));
        Files.setAttribute(tmp.resolve("ctx/dir/x.txt"), "unix:uid", 1234);
        CopyPlan plan = CopyPlanner.plan(
                CopyRequest.copy("/srv/app", "dir").withCreatedAt(Instant.ofEpochSecond(1_234_567_890L)),
                ctx,
                ImageView.empty());
        Path stage = tmp.resolve("stage");
        Stager.stage(plan, stage);

        Path x = stage.resolve("srv/app/x.txt");
        assertThat(Files.readString(x)).isEqualTo("x\n");
        assertThat(mode(x)).isEqualTo(0644);
        assertThat(uid(x)).isZero();
        assertThat(mtime(x)).isEqualTo(Fixtures.T1);
        // the destination is created like its parents (BuildKit's MkdirAll 0755), not from dir's 0750
        assertThat(mode(stage.resolve("srv/app"))).isEqualTo(0755);
        assertThat(mtime(stage.resolve("srv/app")).toInstant()).isEqualTo(Instant.ofEpochSecond(1_234_567_890L));
        assertThat(mode(stage.resolve("srv"))).isEqualTo(0755);
        assertThat(mtime(stage.resolve("srv")).toInstant()).isEqualTo(Instant.ofEpochSecond(1_234_567_890L));
        assertThat(mode(stage.resolve("srv/app/sub/y.txt"))).isEqualTo(0640);
        assertThat(Files.readSymbolicLink(stage.resolve("srv/app/link"))).isEqualTo(Path.of("x.txt"));
        // symlink times are set with microsecond precision (lutimes)
        assertThat(mtime(stage.resolve("srv/app/link")).toInstant())
                .isEqualTo(mtime(tmp.resolve("ctx/dir/link")).toInstant().truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void chownAndSetuidBitsAreApplied() throws Exception {
        Path ctxDir = Files.createDirectories(tmp.resolve("c"));
        Fixtures.file(ctxDir, "suid", "s", 04755);
        CopySource ctx = CopySource.context(BuildContext.open(ctxDir, DockerIgnore.none()));
        CopyPlan plan =
                CopyPlanner.plan(CopyRequest.copy("/opt/bin/", "suid").withChown("10:20"), ctx, ImageView.empty());
        Stager.stage(plan, tmp.resolve("s"));
        Path f = tmp.resolve("s/opt/bin/suid");
        assertThat(mode(f)).isEqualTo(04755);
        assertThat(uid(f)).isEqualTo(10);
        assertThat((Integer) Files.getAttribute(f, "unix:gid")).isEqualTo(20);
        assertThat(uid(tmp.resolve("s/opt/bin"))).isEqualTo(10);
    }

    @Test
    void neverWritesThroughASymlink() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path host = Fixtures.file(tmp, "h/file", "data", 0644);
        ContextEntry origin = BuildContext.read(host.getParent(), "file").orElseThrow();
        CopyPlan plan = new CopyPlan(List.of(
                new CopyEntry(
                        CopyEntry.Kind.SYMLINK,
                        "/esc",
                        0777,
                        0,
                        0,
                        0,
                        Optional.of(outside.toString()),
                        Optional.empty(),
                        false),
                new CopyEntry(
                        CopyEntry.Kind.FILE,
                        "/esc/pwned",
                        0644,
                        0,
                        0,
                        0,
                        Optional.empty(),
                        Optional.of(origin),
                        false)));
        assertThatThrownBy(() -> Stager.stage(plan, tmp.resolve("st")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("through the symlink");
        assertThat(outside.resolve("pwned")).doesNotExist();
    }

    @Test
    void hardLinksInsideASourceStayLinked() throws Exception {
        Path c = Files.createDirectories(tmp.resolve("hl"));
        Path a = Fixtures.file(c, "bin/git", "ELF git", 0755);
        Files.createLink(c.resolve("bin/git-add"), a);
        CopyPlan plan = CopyPlanner.plan(
                CopyRequest.copy("/usr/lib/git-core", "bin"), CopySource.rootfs(c, "stage"), ImageView.empty());
        CopyEntry link = Fixtures.at(plan, "/usr/lib/git-core/git-add").orElseThrow();
        assertThat(link.kind()).isEqualTo(CopyEntry.Kind.HARDLINK);
        assertThat(link.linkTarget()).contains("/usr/lib/git-core/git");
        Stager.stage(plan, tmp.resolve("out"));
        Path git = tmp.resolve("out/usr/lib/git-core/git");
        Path add = tmp.resolve("out/usr/lib/git-core/git-add");
        assertThat(Files.readString(add)).isEqualTo("ELF git");
        assertThat(Files.getAttribute(add, "unix:ino")).isEqualTo(Files.getAttribute(git, "unix:ino"));
        assertThat(mode(add)).isEqualTo(0755);
    }
}
