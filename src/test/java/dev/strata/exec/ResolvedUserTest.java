package dev.strata.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** USER resolution through the layers' /etc/passwd and /etc/group, and the merged view under it. */
class ResolvedUserTest {
    @TempDir
    Path dir;

    private RootfsView view() throws IOException {
        Path base = Files.createDirectories(dir.resolve("base/etc"));
        Files.writeString(base.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nold:x:5:5::/old:/bin/sh\n");
        Files.writeString(base.resolve("group"), "root:x:0:\n");
        Path top = Files.createDirectories(dir.resolve("top/etc"));
        Files.writeString(
                top.resolve("passwd"),
                "root:x:0:0:root:/root:/bin/sh\n" + "app:x:1000:1000:app:/home/app:/bin/sh\n# comment\n\n");
        Files.writeString(top.resolve("group"), "root:x:0:\napp:x:1000:\nwheel:x:10:root,app\ndocker:x:999:app\n");
        return RootfsView.of(List.of(dir.resolve("base"), dir.resolve("top")));
    }

    @Test
    void namesResolveWithSupplementaryGroups() throws IOException {
        RootfsView v = view();
        assertThat(ResolvedUser.resolve("", v)).isEqualTo(new ResolvedUser(0, 0, List.of(10), "/root"));
        assertThat(ResolvedUser.resolve("app", v))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(10, 999), "/home/app"));
        assertThat(ResolvedUser.resolve("1000", v))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(10, 999), "/home/app"));
        assertThat(ResolvedUser.resolve("app:wheel", v)).isEqualTo(new ResolvedUser(1000, 10, List.of(), "/home/app"));
        assertThat(ResolvedUser.resolve("7:8", v)).isEqualTo(new ResolvedUser(7, 8, List.of(), "/"));
        assertThat(ResolvedUser.resolve("7", v)).isEqualTo(new ResolvedUser(7, 0, List.of(), "/"));
    }

    @Test
    void theTopLayerWins() throws IOException {
        assertThatThrownBy(() -> ResolvedUser.resolve("old", view()))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("no user old in the image's /etc/passwd");
    }

    @Test
    void unknownGroupsAreNamed() throws IOException {
        assertThatThrownBy(() -> ResolvedUser.resolve("app:nope", view()))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("no group nope");
    }

    @Test
    void rootWithoutPasswdIsUidZero() {
        assertThat(ResolvedUser.resolve("", RootfsView.of(List.of())))
                .isEqualTo(new ResolvedUser(0, 0, List.of(), "/root"));
    }

    @Test
    void whiteoutsAndSymlinksAreHonoured() throws IOException {
        Path base = Files.createDirectories(dir.resolve("l0/etc"));
        Files.writeString(base.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.writeString(base.resolve("real"), "r");
        Path top = Files.createDirectories(dir.resolve("l1/etc"));
        Files.writeString(top.resolve(".wh.passwd"), "");
        Files.createSymbolicLink(top.resolve("link"), Path.of("../etc/./real"));
        Files.createDirectories(dir.resolve("l1/var"));
        Files.createSymbolicLink(dir.resolve("l1/var/run"), Path.of("/run"));
        RootfsView v = RootfsView.of(List.of(dir.resolve("l0"), dir.resolve("l1")));
        assertThat(v.read("/etc/passwd")).isEmpty();
        assertThat(v.read("/etc/link"))
                .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("r"));
        assertThat(v.realPath("/var/run/secrets/x")).isEqualTo("/run/secrets/x");
        assertThat(v.realPath("/../../etc/link")).isEqualTo("/etc/real");
    }

    @Test
    void opaqueDirsHideWhatIsBelowInBothForms() throws Exception {
        for (String layer : List.of("o0", "o1", "o2")) {
            Files.createDirectories(dir.resolve(layer + "/etc"));
        }
        Files.writeString(dir.resolve("o0/etc/passwd"), "root:x:0:0::/:/bin/sh\n");
        Files.writeString(dir.resolve("o0/etc/group"), "root:x:0:\n");
        Files.writeString(dir.resolve("o1/etc/.wh..wh..opq"), "");
        Files.writeString(dir.resolve("o1/etc/group"), "g:x:5:\n");
        RootfsView plain = RootfsView.of(List.of(dir.resolve("o0"), dir.resolve("o1")));
        assertThat(plain.read("/etc/passwd")).isEmpty();
        assertThat(plain.read("/etc/group")).isPresent();

        Files.createDirectories(dir.resolve("x0/etc"));
        Files.writeString(dir.resolve("x0/etc/passwd"), "root:x:0:0::/:/bin/sh\n");
        Files.createDirectories(dir.resolve("x1/etc"));
        RootfsView before = RootfsView.of(List.of(dir.resolve("x0"), dir.resolve("x1")));
        assertThat(before.read("/etc/passwd")).isPresent();
        Process p = new ProcessBuilder(
                        "setfattr",
                        "-n",
                        "trusted.overlay.opaque",
                        "-v",
                        "y",
                        dir.resolve("x1/etc").toString())
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
        RootfsView after = RootfsView.of(List.of(dir.resolve("x0"), dir.resolve("x1")));
        assertThat(after.read("/etc/passwd")).isEmpty();
    }
}
