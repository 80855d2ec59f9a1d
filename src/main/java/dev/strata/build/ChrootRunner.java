package dev.strata.build;

import dev.strata.error.StrataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one RUN step with namespace + chroot isolation (the "chroot" isolation of issue 5): in a
 * private mount and PID namespace (and a network namespace for --network=none) it mounts an overlay
 * of the parent's layers (plus an init layer holding the mount-point stubs, never committed) with a
 * fresh upperdir, mounts /proc, a minimal /dev and the RUN --mounts, and runs the command chrooted as
 * the stage's USER. Every mount lives in the namespace, so none outlives the command; the upperdir
 * is the step's change.
 */
final class ChrootRunner {
    private static final String UNSHARE = "/usr/bin/unshare";

    /** A RUN --mount as the runner applies it: a host path bound at {@code target}, or a tmpfs. */
    record MountSpec(String target, Optional<Path> source, boolean readOnly, boolean file) {
    }

    /** Everything one RUN needs. */
    record Spec(List<String> argv, Map<String, String> env, String workdir, String user, List<Path> lowerDirs,
            boolean networkNone, List<MountSpec> mounts, Consumer<String> output, Path workRoot, String runtime) {
        /** True when an OCI runtime (crun, runc) runs the step rather than a plain chroot. */
        boolean runc() {
            return !runtime.isEmpty();
        }
    }

    /** Where runc is, if installed. */
    static final String RUNC = "/usr/sbin/runc";
    /** Where crun is, if installed. */
    static final String CRUN = "/usr/bin/crun";

    /** How the command ended, and where its changes are. */
    record Outcome(int exitCode, Path upperDir) {
    }

    private ChrootRunner() {
    }

    /** Exit 4 unless this machine can run RUN steps: root, overlayfs, util-linux unshare. */
    static void checkEnvironment() {
        String uid;
        try {
            uid = Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .findFirst().map(l -> l.split("\\s+")[1]).orElse("?");
        } catch (IOException e) {
            uid = "?";
        }
        if (!uid.equals("0")) {
            throw StrataException.environment("RUN steps need root (overlayfs mounts and namespaces): run strata build"
                    + " as root, or build without RUN instructions");
        }
        try {
            if (!Files.readString(Path.of("/proc/filesystems")).contains("overlay")) {
                throw StrataException.environment("RUN steps need overlayfs, which this kernel does not offer:"
                        + " load it with `modprobe overlay`");
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot read /proc/filesystems to check for overlayfs: " + e.getMessage(), e);
        }
        if (!Files.isExecutable(Path.of(UNSHARE))) {
            throw StrataException.environment("RUN steps need " + UNSHARE + ": install util-linux");
        }
    }

    static Outcome run(Spec s) {
        try {
            Path upper = Files.createDirectories(s.workRoot().resolve("upper"));
            Path work = Files.createDirectories(s.workRoot().resolve("work"));
            Path merged = Files.createDirectories(s.workRoot().resolve("merged"));
            Path init = initLayer(s);
            List<String> lowers = new ArrayList<>();
            lowers.add(init.toString());
            for (int i = s.lowerDirs().size() - 1; i >= 0; i--) {
                lowers.add(s.lowerDirs().get(i).toString());
            }
            String opts = "lowerdir=" + String.join(":", lowers) + ",upperdir=" + upper + ",workdir=" + work
                    + ",redirect_dir=off,metacopy=off,index=off";
            if (opts.length() > 4000) {
                throw StrataException.environment("the image has too many layers (" + s.lowerDirs().size()
                        + ") for one overlay mount on this machine");
            }
            StringBuilder sh = new StringBuilder("set -e\n");
            sh.append("M=").append(q(merged.toString())).append('\n');
            sh.append("mount -t overlay overlay -o ").append(q(opts)).append(" \"$M\"\n");
            int[] ids = UserLookup.resolve(s.user(), merged, s.lowerDirs());
            Map<String, String> env = new LinkedHashMap<>(s.env());
            env.putIfAbsent("PATH", StageRunner.DEFAULT_PATH);
            env.putIfAbsent("HOME", UserLookup.home(ids[0], s.lowerDirs()));
            if (s.runc()) {
                // runc makes the container's namespaces, /proc, /dev and the mounts from config.json; the
                // overlay lives in this private mount namespace, which runc's container inherits
                Path bundle = Files.createDirectories(s.workRoot().resolve("bundle"));
                String id = "strata-" + s.workRoot().getFileName().toString().replaceAll("[^A-Za-z0-9]", "");
                Files.write(bundle.resolve("config.json"), RuncConfig.json(s, merged, ids[0], ids[1], env, id));
                if (s.runtime().equals(CRUN)) {
                    // crun refuses hosts with both cgroup v1 controllers and a v2 "unified" hierarchy: hide
                    // the latter, in this private mount namespace only
                    sh.append("mountpoint -q /sys/fs/cgroup/unified && umount -l /sys/fs/cgroup/unified || true\n");
                }
                sh.append("exec ").append(s.runtime()).append(" --root ").append(q(s.workRoot().resolve("runc").toString()))
                        .append(" run --bundle ").append(q(bundle.toString())).append(' ').append(id).append('\n');
                try {
                    return execute(s, sh.toString(), List.of(), upper, env, () -> removeCgroups(id));
                } finally {
                    removeCgroups(id);
                }
            }
            sh.append("mount -t proc proc \"$M/proc\"\n");
            sh.append("mount -t tmpfs -o mode=755,nosuid tmpfs \"$M/dev\"\n");
            sh.append("for d in null zero full random urandom tty; do touch \"$M/dev/$d\";"
                    + " mount --bind /dev/$d \"$M/dev/$d\"; done\n");
            sh.append("ln -s /proc/self/fd \"$M/dev/fd\"; mkdir -p \"$M/dev/shm\" \"$M/dev/pts\"\n");
            if (!s.networkNone()) {
                sh.append("[ -e /etc/resolv.conf ] && mount --bind /etc/resolv.conf \"$M/etc/resolv.conf\" || true\n");
            }
            sh.append("[ -e /etc/hosts ] && mount --bind /etc/hosts \"$M/etc/hosts\" || true\n");
            for (MountSpec m : s.mounts()) {
                String t = "\"$M\"" + q(m.target());
                // mount points under the /dev tmpfs are not in the init layer's view any more
                sh.append("[ -e ").append(t).append(" ] || { mkdir -p \"$(dirname ").append(t).append(")\"; ")
                        .append(m.file() ? "touch " : "mkdir -p ").append(t).append("; }\n");
                if (m.source().isEmpty()) {
                    sh.append("mount -t tmpfs tmpfs ").append(t).append('\n');
                } else {
                    sh.append("mount --bind ").append(q(m.source().get().toString())).append(' ').append(t).append('\n');
                    if (m.readOnly()) {
                        sh.append("mount -o remount,bind,ro ").append(t).append('\n');
                    }
                }
            }
            sh.append("exec ").append(UNSHARE).append(" --root \"$M\" --wd ").append(q(s.workdir()))
                    .append(" --setgid ").append(ids[1]).append(" --setuid ").append(ids[0]).append(" -- \"$@\"\n");
            return execute(s, sh.toString(), s.argv(), upper, env, () -> { });
        } catch (IOException e) {
            throw StrataException.environment("cannot run the RUN step: " + e.getMessage(), e);
        }
    }

    /** Runs {@code script} in fresh mount and PID namespaces, streaming its output. */
    private static Outcome execute(Spec s, String script, List<String> argv, Path upper, Map<String, String> env,
            Runnable afterKill) {
        try {
            List<String> cmd = new ArrayList<>(List.of(UNSHARE, "--mount", "--pid", "--fork", "--kill-child",
                    "--propagation", "private"));
            if (s.networkNone() && !s.runc()) {
                cmd.add("--net");
            }
            if (s.runc()) {
                cmd.add("--mount-proc"); // runc looks its child up in /proc: it must be this PID namespace's
            }
            cmd.addAll(List.of("--", "/bin/sh", "-c", script, "strata-run"));
            cmd.addAll(argv);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(s.runc() ? Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                    : env);
            Process p = pb.start();
            Thread killer = new Thread(() -> {
                // on Ctrl-C: kill the step (its namespace's mounts go with it), then what the runtime left
                p.destroyForcibly();
                try {
                    p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                afterKill.run();
            }, "strata-run-kill");
            Runtime.getRuntime().addShutdownHook(killer);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    s.output().accept(line);
                }
                return new Outcome(p.waitFor(), upper);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(killer);
                } catch (IllegalStateException shuttingDown) {
                    // the hook kills the process
                }
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot run the RUN step: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.stepFailed("interrupted while a RUN step was running");
        }
    }

    /** Removes what a killed or failed runtime left of the step's cgroup (normally it removes it itself). */
    private static void removeCgroups(String id) {
        // killed processes leave their cgroup a moment later: retry for up to a second
        for (int attempt = 0; attempt < 10; attempt++) {
            boolean left = false;
            try (java.util.stream.Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 4,
                    (p, a) -> a.isDirectory() && p.getFileName() != null && p.getFileName().toString().equals(id))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException busy) {
                        left = true;
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                return; // no cgroup filesystem to clean
            }
            if (!left) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The never-committed top lower layer: mount points for /proc, /dev, /sys, the /etc files and the RUN mounts. */
    private static Path initLayer(Spec s) throws IOException {
        Path init = Files.createDirectories(s.workRoot().resolve("init"));
        for (String d : List.of("proc", "dev", "sys", "etc")) {
            Files.createDirectories(init.resolve(d));
        }
        for (String f : List.of("etc/hosts", "etc/resolv.conf")) {
            Files.createFile(init.resolve(f));
        }
        Files.createDirectories(init.resolve(s.workdir().substring(1)));
        for (MountSpec m : s.mounts()) {
            Path t = init.resolve(m.target().substring(1)).normalize();
            if (!t.startsWith(init)) {
                throw StrataException.input("RUN --mount target " + m.target() + " leaves the container's root");
            }
            if (m.file()) {
                Files.createDirectories(t.getParent());
                Files.createFile(t);
            } else {
                Files.createDirectories(t);
            }
        }
        return init;
    }

    /** Single-quotes a string for sh. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
