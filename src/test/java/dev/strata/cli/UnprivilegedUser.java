package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * strata run as an ordinary user (setpriv: a real uid, no capabilities, no sudo), from a copy of the
 * test class path in a directory that user can read. The user is made with useradd when this machine
 * lacks it; {@link #withSubordinateIds} also gives it an /etc/subuid and /etc/subgid range.
 *
 * @param name the user name
 * @param uid  its uid
 * @param dir  a directory it owns: home, class path copy, contexts
 */
record UnprivilegedUser(String name, long uid, Path dir) {
    /** Who a test user is on this machine. */
    static final String SUBID_USER = "strata-rltest";

    /** How one run ended. */
    record Run(int code, String out) {}

    /** The test user with a subordinate id range, made (as root) if missing. */
    static UnprivilegedUser withSubordinateIds(Path parent) throws Exception {
        if (sh("id -u " + SUBID_USER).code() != 0) {
            Run add = sh("useradd --no-create-home --shell /usr/sbin/nologin " + SUBID_USER);
            assertThat(add.code()).as(add.out()).isZero();
        }
        for (String file : List.of("/etc/subuid", "/etc/subgid")) {
            String text = Files.exists(Path.of(file)) ? Files.readString(Path.of(file)) : "";
            if (!text.contains(SUBID_USER + ":")) {
                // after every range already given out, so no two users share ids
                long end = 100000;
                for (String l : text.split("\n")) {
                    String[] f = l.split(":");
                    if (f.length == 3) {
                        end = Math.max(end, Long.parseLong(f[1]) + Long.parseLong(f[2]));
                    }
                }
                String flag = file.endsWith("subuid") ? "--add-subuids" : "--add-subgids";
                Run mod = sh("usermod " + flag + " " + end + "-" + (end + 65535) + " " + SUBID_USER);
                assertThat(mod.code()).as(mod.out()).isZero();
            }
        }
        return of(SUBID_USER, parent);
    }

    /** nobody: on Debian it has no subordinate ids, so strata maps only its own uid. */
    static UnprivilegedUser nobody(Path parent) throws Exception {
        assertThat(Files.readString(Path.of("/etc/subuid"))).doesNotContain("nobody:");
        return of("nobody", parent);
    }

    private static UnprivilegedUser of(String name, Path parent) throws Exception {
        long uid = Long.parseLong(sh("id -u " + name).out().strip());
        Path dir = Files.createDirectories(parent.resolve(name));
        Path cp = Files.createDirectories(dir.resolve("cp"));
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            assertThat(new ProcessBuilder(
                                    "cp",
                                    "-r",
                                    src.toString(),
                                    cp.resolve((n++) + "-" + src.getFileName()).toString())
                            .start()
                            .waitFor())
                    .isZero();
        }
        // the test's temp dirs are root's and private: open the way down to dir, give dir to the user
        for (Path p = parent; p != null && !p.equals(Path.of("/")); p = p.getParent()) {
            if (p.startsWith(Path.of(System.getProperty("java.io.tmpdir")))) {
                sh("chmod a+x '" + p + "'");
            }
        }
        Run own = sh("chown -R " + uid + " '" + dir + "'");
        assertThat(own.code()).as(own.out()).isZero();
        return new UnprivilegedUser(name, uid, dir);
    }

    /** Runs strata as this user with HOME=dir/home, the store at its rootless default unless env sets one. */
    Run strata(Map<String, String> env, String... args) throws Exception {
        StringBuilder classPath = new StringBuilder();
        try (var s = Files.list(dir.resolve("cp"))) {
            s.sorted()
                    .forEach(p ->
                            classPath.append(classPath.length() == 0 ? "" : ":").append(p));
        }
        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=" + uid,
                "--regid=" + sh("id -g " + name).out().strip(),
                "--init-groups",
                "--reset-env",
                "env",
                "HOME=" + dir.resolve("home")));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath.toString(),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    /** A shell command as the test's own user (root), for setting up. */
    static Run sh(String line) throws Exception {
        Process p =
                new ProcessBuilder("sh", "-c", line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }
}
