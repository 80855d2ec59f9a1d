package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.store.Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN steps built by an ordinary user (setpriv to a real uid: no root, no capabilities, no sudo):
 * strata relaunches itself as uid 0 of a user namespace of its own, and the image holds the files
 * the step made, owned as the step saw them (root's as 0:0).
 */
class RootlessBuildTest {
    private static final String DOCKERFILE = """
            FROM test/busybox:latest
            COPY a.txt /a.txt
            RUN echo hi > /hi.txt && mkdir /o && echo app > /o/app && chown 1000:1000 /o/app \\
                && cat /proc/self/uid_map > /uidmap && id -u > /whoami
            """;

    @TempDir
    Path tmp;

    @Test
    void aUserWithSubordinateIdsBuildsRunStepsWithRootAndOtherOwners() throws Exception {
        UnprivilegedUser user = UnprivilegedUser.withSubordinateIds(tmp);
        Path ctx = context(user);
        Path data = user.dir().resolve("data");
        // no STRATA_HOME: a non-root user's store is $XDG_DATA_HOME/strata
        Map<String, String> env = Map.of("XDG_DATA_HOME", data.toString());
        UnprivilegedUser.Run imp = user.strata(env, "import", bbTar(user).toString(), "-t", "test/busybox:latest");
        assertThat(imp.code()).as(imp.out()).isZero();
        UnprivilegedUser.Run build = user.strata(env, "build", "--progress=plain", "-t", "rl/out:1", ctx.toString());
        assertThat(build.code()).as(build.out()).isZero();
        assertThat(build.out()).contains("rootless: uid 0 of a user namespace").doesNotContain("warning");
        UnprivilegedUser.Run again = user.strata(env, "build", "--progress=plain", "-t", "rl/out:1", ctx.toString());
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).contains("2 of 2 steps cached");

        // every isolation works in the namespace, and makes the same layer
        for (String isolation : new String[] {"runc", "chroot"}) {
            UnprivilegedUser.Run other = user.strata(
                    env,
                    "build",
                    "--no-cache",
                    "--isolation=" + isolation,
                    "-t",
                    "rl/" + isolation + ":1",
                    ctx.toString());
            assertThat(other.code()).as(other.out()).isZero();
        }

        Path home = data.resolve("strata");
        assertThat(lastLayer(home, "rl/runc:1"))
                .isEqualTo(lastLayer(home, "rl/chroot:1"))
                .isEqualTo(lastLayer(home, "rl/out:1"));
        assertThat(Files.getAttribute(home.resolve("index.json"), "unix:uid")).isEqualTo((int) user.uid());
        Map<String, Entry> run = lastLayer(home, "rl/out:1");
        assertThat(run.get("hi.txt")).isEqualTo(new Entry(0, 0, "hi\n"));
        assertThat(run.get("whoami")).isEqualTo(new Entry(0, 0, "0\n"));
        assertThat(run.get("o/")).isEqualTo(new Entry(0, 0, ""));
        assertThat(run.get("o/app")).isEqualTo(new Entry(1000, 1000, "app\n"));
        // the step ran in a namespace whose root is this user and whose other ids are its subuid range
        String[] map = run.get("uidmap").content().strip().split("\\s+");
        assertThat(map[0]).isEqualTo("0");
        assertThat(map[1]).isEqualTo(Long.toString(user.uid()));
        assertThat(map[2]).isEqualTo("1");
        assertThat(map.length).isEqualTo(6);
    }

    @Test
    void withoutOverlayfsInTheNamespaceRunStepsFallBackToACopyAndMakeTheSameLayer() throws Exception {
        UnprivilegedUser user = UnprivilegedUser.withSubordinateIds(tmp);
        Path ctx = context(user);
        // isolation none has no /proc (docs/exec.md), so this step does not read the uid map
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.replace(" && cat /proc/self/uid_map > /uidmap", ""));
        Path home = user.dir().resolve("store");
        Map<String, String> env = Map.of("STRATA_HOME", home.toString());
        UnprivilegedUser.Run imp = user.strata(env, "import", bbTar(user).toString(), "-t", "test/busybox:latest");
        assertThat(imp.code()).as(imp.out()).isZero();
        UnprivilegedUser.Run overlay = user.strata(env, "build", "--progress=plain", "-t", "rl/ov:1", ctx.toString());
        assertThat(overlay.code()).as(overlay.out()).isZero();
        assertThat(overlay.out()).doesNotContain("fall back");

        // the documented hook: the overlay trial answers "refused", as on a kernel older than 5.11
        Map<String, String> off = Map.of("STRATA_HOME", home.toString(), "STRATA_OVERLAY", "off");
        UnprivilegedUser.Run copy =
                user.strata(off, "build", "--progress=plain", "--no-cache", "-t", "rl/copy:1", ctx.toString());
        assertThat(copy.code()).as(copy.out()).isZero();
        assertThat(copy.out())
                .contains("rootless: uid 0 of a user namespace")
                .contains("overlayfs does not mount under")
                .contains("STRATA_OVERLAY=off is set")
                .contains("RUN steps fall back to isolation none in this user namespace");
        UnprivilegedUser.Run forced =
                user.strata(off, "build", "--no-cache", "--isolation=crun", "-t", "rl/crun:1", ctx.toString());
        assertThat(forced.code()).as(forced.out()).isEqualTo(4);
        assertThat(forced.out()).contains("--isolation=crun runs on overlayfs").contains("--isolation=none");

        Map<String, Entry> run = lastLayer(home, "rl/copy:1");
        assertThat(run).isEqualTo(lastLayer(home, "rl/ov:1"));
        assertThat(run.get("hi.txt")).isEqualTo(new Entry(0, 0, "hi\n"));
        assertThat(run.get("whoami")).isEqualTo(new Entry(0, 0, "0\n"));
        assertThat(run.get("o/")).isEqualTo(new Entry(0, 0, ""));
        assertThat(run.get("o/app")).isEqualTo(new Entry(1000, 1000, "app\n"));
    }

    @Test
    void aUserWithoutSubordinateIdsIsWarnedAndGetsRootOwnedFilesOnly() throws Exception {
        UnprivilegedUser user = UnprivilegedUser.nobody(tmp);
        Path ctx = context(user);
        Map<String, String> env =
                Map.of("STRATA_HOME", user.dir().resolve("store").toString());
        UnprivilegedUser.Run imp = user.strata(env, "import", bbTar(user).toString(), "-t", "test/busybox:latest");
        assertThat(imp.code()).as(imp.out()).isZero();
        UnprivilegedUser.Run chown = user.strata(env, "build", "--progress=plain", ctx.toString());
        assertThat(chown.code()).as(chown.out()).isEqualTo(1);
        assertThat(chown.out())
                .contains("warning: no range for nobody in /etc/subuid")
                .contains("RUN steps cannot switch to another user")
                .contains("rootless, single uid")
                .contains("chown: /o/app: Invalid argument");

        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.replace(" && chown 1000:1000 /o/app", ""));
        UnprivilegedUser.Run build = user.strata(env, "build", "--progress=plain", "-t", "rl/one:1", ctx.toString());
        assertThat(build.code()).as(build.out()).isZero();
        Map<String, Entry> run = lastLayer(user.dir().resolve("store"), "rl/one:1");
        assertThat(run.get("hi.txt")).isEqualTo(new Entry(0, 0, "hi\n"));
        assertThat(run.get("o/app")).isEqualTo(new Entry(0, 0, "app\n"));
        assertThat(run.get("uidmap").content().strip().split("\\s+"))
                .containsExactly("0", Long.toString(user.uid()), "1");
    }

    /** One tar entry: owner and, for a file, its content. */
    record Entry(long uid, long gid, String content) {}

    private static Path context(UnprivilegedUser user) throws Exception {
        Path ctx = Files.createDirectories(user.dir().resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(ctx.resolve("a.txt"), "a\n");
        UnprivilegedUser.sh("chown -R " + user.uid() + " '" + ctx + "'");
        return ctx;
    }

    private static Path bbTar(UnprivilegedUser user) throws Exception {
        Path tar = BusyboxStore.rootfsTar(Files.createDirectories(user.dir().resolve("bb")));
        UnprivilegedUser.sh("chmod -R a+rX '" + user.dir().resolve("bb") + "'");
        return tar;
    }

    /** The entries of the image's last layer (opened read-only after the user's runs are done). */
    private static Map<String, Entry> lastLayer(Path home, String tag) throws Exception {
        Image image = Store.open(home).image(tag).orElseThrow();
        Layer layer = image.layers().get(image.layers().size() - 1);
        Map<String, Entry> out = new TreeMap<>();
        try (InputStream in = layer.open();
                TarArchiveInputStream t = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                String content = e.isFile() ? new String(t.readAllBytes(), StandardCharsets.UTF_8) : "";
                out.put(e.getName(), new Entry(e.getLongUserId(), e.getLongGroupId(), content));
            }
        }
        return out;
    }
}
