package dev.strata.context;

import static dev.strata.context.Fixtures.at;
import static dev.strata.context.Fixtures.byDest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The COPY semantics matrix: each case is what docker build puts where. */
class CopyPlannerTest {
    @TempDir
    Path tmp;

    CopySource ctx;
    ImageView image;

    @BeforeEach
    void setUp() throws Exception {
        ctx = CopySource.context(Fixtures.context(Files.createDirectories(tmp.resolve("ctx"))));
        image = Fixtures.image(Files.createDirectories(tmp.resolve("rootfs")));
    }

    private CopyPlan plan(CopyRequest r) {
        return CopyPlanner.plan(r, ctx, image);
    }

    @Test
    void fileToFileName() {
        CopyPlan p = plan(CopyRequest.copy("/dst/renamed.txt", "a.txt"));
        assertThat(byDest(p).keySet()).containsExactly("/dst", "/dst/renamed.txt");
        CopyEntry f = at(p, "/dst/renamed.txt").orElseThrow();
        assertThat(f.kind()).isEqualTo(CopyEntry.Kind.FILE);
        assertThat(f.mode()).isEqualTo(0644);
        assertThat(f.uid()).isZero();
        assertThat(f.mtimeNanos()).isEqualTo(Fixtures.T1.toMillis() * 1_000_000L);
        CopyEntry parent = at(p, "/dst").orElseThrow();
        assertThat(parent.implied()).isTrue();
        assertThat(parent.mode()).isEqualTo(0755);
    }

    @Test
    void fileIntoDirectoryWithTrailingSlashOrExistingDir() {
        assertThat(byDest(plan(CopyRequest.copy("/dst/", "a.txt")))).containsKey("/dst/a.txt");
        CopyPlan p = plan(CopyRequest.copy("/existing", "a.txt"));
        assertThat(byDest(p).keySet()).containsExactly("/existing", "/existing/a.txt");
        CopyEntry kept = at(p, "/existing").orElseThrow();
        assertThat(kept.mode()).isEqualTo(0700);
        assertThat(kept.uid()).isEqualTo(5);
        assertThat(kept.implied()).isTrue();
    }

    @Test
    void directoryCopiesItsContentsNotItself() {
        CopyPlan p = plan(CopyRequest.copy("/app", "dir"));
        assertThat(byDest(p).keySet()).containsExactly("/app", "/app/link", "/app/sub", "/app/sub/y.txt", "/app/x.txt");
        // the destination is made (0755) before the contents are copied in, as BuildKit does: the
        // source directory's own mode (0750) is not copied
        assertThat(at(p, "/app").orElseThrow().mode()).isEqualTo(0755);
        assertThat(at(p, "/app").orElseThrow().implied()).isFalse();
        CopyEntry link = at(p, "/app/link").orElseThrow();
        assertThat(link.kind()).isEqualTo(CopyEntry.Kind.SYMLINK);
        assertThat(link.linkTarget()).contains("x.txt");
        assertThat(at(p, "/app/sub/y.txt").orElseThrow().mode()).isEqualTo(0640);
        // the whole context into the root: the root itself is never rewritten
        CopyPlan all = plan(CopyRequest.copy("/", "."));
        assertThat(byDest(all)).doesNotContainKey("/").containsKeys("/a.txt", "/dir/sub/y.txt", "/pkgs/p2/src/i.js");
        // a directory inside what is copied keeps its mode
        assertThat(at(all, "/dir").orElseThrow().mode()).isEqualTo(0750);
    }

    @Test
    void globsFollowGoFilepathMatch() {
        assertThat(byDest(plan(CopyRequest.copy("/out/", "*.txt"))).keySet())
                .containsExactly("/out", "/out/a.txt", "/out/b.txt");
        assertThat(byDest(plan(CopyRequest.copy("/out/", "[ab].t?t"))).keySet())
                .containsExactly("/out", "/out/a.txt", "/out/b.txt");
        assertThat(byDest(plan(CopyRequest.copy("/out/", "pkgs/*/package.json")))
                        .keySet())
                .containsExactly("/out", "/out/package.json");
        // a single match needs no trailing slash
        assertThat(byDest(plan(CopyRequest.copy("/one", "a.t*t"))).keySet()).containsExactly("/one");
    }

    @Test
    void wildcardMatchingNothingNamesThePattern() {
        assertThatThrownBy(() -> plan(CopyRequest.copy("/x/", "*.none")))
                .isInstanceOf(NoSourceFilesException.class)
                .hasMessageContaining("*.none")
                .satisfies(
                        e -> assertThat(((NoSourceFilesException) e).pattern()).isEqualTo("*.none"));
    }

    @Test
    void severalSourcesOrMatchesNeedATrailingSlash() {
        assertThatThrownBy(() -> plan(CopyRequest.copy("/x", "a.txt", "b.txt")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("end with a '/'")
                .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT));
        assertThatThrownBy(() -> plan(CopyRequest.copy("/x", "*.txt")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("matches 2 files");
        assertThat(byDest(plan(CopyRequest.copy("/existing", "*.txt"))))
                .containsKeys("/existing/a.txt", "/existing/b.txt");
        assertThat(byDest(plan(CopyRequest.copy("/x/", "a.txt", "run.sh")))).containsKeys("/x/a.txt", "/x/run.sh");
    }

    @Test
    void relativeDestinationUsesWorkdir() {
        assertThat(byDest(plan(CopyRequest.copy("data/", "a.txt").withWorkdir("/srv"))))
                .containsKey("/srv/data/a.txt");
        assertThat(byDest(plan(CopyRequest.copy(".", "a.txt").withWorkdir("/srv"))))
                .containsKey("/srv/a.txt");
        assertThat(byDest(plan(CopyRequest.copy("name", "a.txt").withWorkdir("/srv"))))
                .containsKey("/srv/name");
        assertThat(byDest(plan(CopyRequest.copy("../up.txt", "a.txt").withWorkdir("/srv"))))
                .containsKey("/up.txt");
    }

    @Test
    void destinationFollowsSymlinksInTheImage() {
        assertThat(byDest(plan(CopyRequest.copy("/lib/", "a.txt"))).keySet())
                .containsExactly("/usr", "/usr/lib", "/usr/lib/a.txt");
    }

    @Test
    void sourcesCannotEscapeTheContext() {
        for (String bad : new String[] {"../../etc/passwd", "/../etc/passwd", "evil", "up/passwd"}) {
            assertThatThrownBy(() -> plan(CopyRequest.copy("/x", bad)))
                    .as(bad)
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("not found in the build context")
                    .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT));
        }
        // "/a.txt" means context/a.txt
        assertThat(byDest(plan(CopyRequest.copy("/x", "/a.txt")))).containsKey("/x");
        assertThat(byDest(plan(CopyRequest.copy("/x", "../a.txt")))).containsKey("/x");
    }

    @Test
    void ignoredFilesAreNotInTheContext() throws Exception {
        Path c = tmp.resolve("ctx");
        Files.writeString(c.resolve(".dockerignore"), "b.txt\ndir/sub\n");
        CopySource filtered = CopySource.context(BuildContext.open(c, Optional.empty()));
        assertThatThrownBy(() -> CopyPlanner.plan(CopyRequest.copy("/x", "b.txt"), filtered, image))
                .hasMessageContaining("excluded by");
        assertThat(byDest(CopyPlanner.plan(CopyRequest.copy("/d", "dir"), filtered, image)))
                .containsKey("/d/x.txt")
                .doesNotContainKey("/d/sub");
        assertThat(byDest(CopyPlanner.plan(CopyRequest.copy("/o/", "*.txt"), filtered, image))
                        .keySet())
                .containsExactly("/o", "/o/a.txt");
    }

    @Test
    void parentsKeepsTheSourceDirectories() {
        CopyPlan p = plan(CopyRequest.copy("/w/", "pkgs/*/package.json").withParents(true));
        assertThat(byDest(p)).containsKeys("/w/pkgs/p1/package.json", "/w/pkgs/p2/package.json");
        assertThat(at(p, "/w/pkgs").orElseThrow().implied()).isFalse();
        CopyPlan pivot = plan(CopyRequest.copy("/w/", "pkgs/./p2/src").withParents(true));
        assertThat(byDest(pivot))
                .containsKeys("/w/p2", "/w/p2/src", "/w/p2/src/i.js")
                .doesNotContainKey("/w/pkgs");
        CopyPlan file = plan(CopyRequest.copy("/w", "dir/sub/y.txt").withParents(true));
        assertThat(byDest(file)).containsKey("/w/dir/sub/y.txt");
        assertThat(at(file, "/w/dir").orElseThrow().mode()).isEqualTo(0750);
    }

    @Test
    void excludeFiltersInsideTheSourceAndWildcardMatches() {
        CopyPlan p = plan(CopyRequest.copy("/e", "dir").withExcludes("*.txt"));
        assertThat(byDest(p).keySet()).containsExactly("/e", "/e/link", "/e/sub", "/e/sub/y.txt");
        CopyPlan deep = plan(CopyRequest.copy("/e", "dir").withExcludes("**/*.txt"));
        assertThat(byDest(deep).keySet()).containsExactly("/e", "/e/link", "/e/sub");
        CopyPlan glob = plan(CopyRequest.copy("/o/", "*.txt").withExcludes("b.txt"));
        assertThat(byDest(glob).keySet()).containsExactly("/o", "/o/a.txt");
        CopyPlan back = plan(CopyRequest.copy("/e", "dir").withExcludes("sub", "!sub/y.txt"));
        assertThat(byDest(back)).containsKeys("/e/sub", "/e/sub/y.txt");
    }

    @Test
    void chownByNameAndId() {
        CopyPlan byName = plan(CopyRequest.copy("/h/f", "a.txt").withChown("app"));
        assertThat(at(byName, "/h/f").orElseThrow())
                .extracting(CopyEntry::uid, CopyEntry::gid)
                .containsExactly(1000, 1001);
        assertThat(at(byName, "/h").orElseThrow())
                .extracting(CopyEntry::uid, CopyEntry::gid)
                .containsExactly(1000, 1001);
        assertThat(at(plan(CopyRequest.copy("/f", "a.txt").withChown("app:staff")), "/f")
                        .orElseThrow()
                        .gid())
                .isEqualTo(50);
        CopyEntry ids =
                at(plan(CopyRequest.copy("/f", "a.txt").withChown("42")), "/f").orElseThrow();
        assertThat(ids.uid()).isEqualTo(42);
        assertThat(ids.gid()).isEqualTo(42);
        assertThat(at(plan(CopyRequest.copy("/f", "a.txt").withChown("42:7")), "/f")
                        .orElseThrow()
                        .gid())
                .isEqualTo(7);
        assertThat(at(plan(CopyRequest.copy("/f", "a.txt").withChown("app:7")), "/f")
                        .orElseThrow()
                        .gid())
                .isEqualTo(7);
        assertThatThrownBy(() -> plan(CopyRequest.copy("/f", "a.txt").withChown("nobody2")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("unknown user 'nobody2'");
        assertThatThrownBy(() -> plan(CopyRequest.copy("/f", "a.txt").withChown("app:nogroup")))
                .hasMessageContaining("unknown group 'nogroup'");
        assertThatThrownBy(() ->
                        CopyPlanner.plan(CopyRequest.copy("/f", "a.txt").withChown("app"), ctx, ImageView.empty()))
                .hasMessageContaining("no /etc/passwd");
        assertThat(at(CopyPlanner.plan(CopyRequest.copy("/f", "a.txt").withChown("3:4"), ctx, ImageView.empty()), "/f")
                        .orElseThrow()
                        .uid())
                .isEqualTo(3);
    }

    @Test
    void chmodOctalAndSymbolic() {
        CopyPlan oct = plan(CopyRequest.copy("/c", "dir").withChmod("0640"));
        assertThat(at(oct, "/c/x.txt").orElseThrow().mode()).isEqualTo(0640);
        assertThat(at(oct, "/c/sub").orElseThrow().mode()).isEqualTo(0640);
        CopyPlan sym = plan(CopyRequest.copy("/c", "dir").withChmod("u+x,go-w"));
        assertThat(at(sym, "/c/x.txt").orElseThrow().mode()).isEqualTo(0744);
        assertThat(Chmod.parse("a=rX").apply(0644, false)).isEqualTo(0444);
        assertThat(Chmod.parse("a=rX").apply(0700, true)).isEqualTo(0555);
        assertThat(Chmod.parse("+x").apply(0600, false)).isEqualTo(0711);
        assertThat(Chmod.parse("755").apply(0, false)).isEqualTo(0755);
        assertThatThrownBy(() -> Chmod.parse("rwx")).isInstanceOf(StrataException.class);
        assertThatThrownBy(() -> Chmod.parse("0888")).isInstanceOf(StrataException.class);
    }

    @Test
    void copyFromARootfsKeepsOwners() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        Path bin = Fixtures.file(stage, "out/bin/tool", "ELF", 0755);
        Files.setAttribute(bin, "unix:uid", 7);
        Files.setAttribute(bin, "unix:gid", 8);
        CopyPlan p = CopyPlanner.plan(
                CopyRequest.copy("/usr/local/bin/", "/out/bin/tool"), CopySource.rootfs(stage, "stage builder"), image);
        CopyEntry e = at(p, "/usr/local/bin/tool").orElseThrow();
        assertThat(e.uid()).isEqualTo(7);
        assertThat(e.gid()).isEqualTo(8);
        assertThat(e.mode()).isEqualTo(0755);
        assertThat(at(p, "/usr").orElseThrow().implied()).isTrue();
    }

    @Test
    void typeConflictsWithTheImageAreErrors() throws Exception {
        Files.createDirectories(tmp.resolve("rootfs/srv/a.txt"));
        assertThatThrownBy(() -> plan(CopyRequest.copy("/srv/", "a.txt")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("cannot replace the directory /srv/a.txt");
        assertThatThrownBy(() -> plan(CopyRequest.copy("/etc/passwd", "dir")))
                .hasMessageContaining("not a directory in the image");
        assertThatThrownBy(() -> plan(CopyRequest.copy("/etc/passwd/x", "a.txt")))
                .hasMessageContaining("cannot create directory /etc/passwd");
    }

    @Test
    void sourceDateEpochClampsMtimes() {
        long epoch = 1_500_000_000L;
        CopyPlan p = plan(CopyRequest.copy("/d/", "a.txt")
                .withSourceDateEpoch(epoch)
                .withCreatedAt(Instant.ofEpochSecond(1_700_000_000L)));
        assertThat(at(p, "/d/a.txt").orElseThrow().mtimeNanos()).isEqualTo(epoch * 1_000_000_000L);
        assertThat(at(p, "/d").orElseThrow().mtimeNanos()).isEqualTo(epoch * 1_000_000_000L);
        CopyPlan later = plan(CopyRequest.copy("/d/", "a.txt").withSourceDateEpoch(1_700_000_000L));
        assertThat(at(later, "/d/a.txt").orElseThrow().mtimeNanos()).isEqualTo(Fixtures.T1.toMillis() * 1_000_000L);
    }

    @Test
    void urlsAndGitAreRefusedWhereDockerRefusesThem() {
        assertThatThrownBy(() -> plan(CopyRequest.copy("/x", "https://example.invalid/f")))
                .hasMessageContaining("use ADD");
        assertThatThrownBy(() -> plan(CopyRequest.addOf("/x", "https://example.invalid/repo.git#main")))
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> plan(CopyRequest.addOf("/x", "git@example.invalid:r.git")))
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> plan(CopyRequest.addOf("/x", "a.txt").withKeepGitDir(true)))
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> plan(CopyRequest.addOf("/x", "a.txt").withChecksum("sha256:" + "0".repeat(64))))
                .hasMessageContaining("only applies to http(s)");
    }
}
