package dev.strata.exec;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Isolation {@code none}: for a container that may make no namespace and no mount (docker's
 * default seccomp profile and capabilities, a Kubernetes pod's default security context). The
 * merged rootfs is copied into {@code strata-run-XXX/root}, the command runs chrooted there as the
 * step's user ({@code nsenter --root --wd}, which needs only CAP_SYS_CHROOT, no namespace), and the
 * layer is what changed between a {@link TreeSnapshot} before and after. RUN --mount sources are
 * copied in and, for caches, back out. docs/exec.md says what this does not protect.
 */
final class SnapshotExecutor implements RunExecutor {
    /** The devices a runtime binds into /dev, made with mknod where CAP_MKNOD allows. */
    private static final List<String[]> DEVICES = List.of(
            new String[] {"null", "1", "3"},
            new String[] {"zero", "1", "5"},
            new String[] {"full", "1", "7"},
            new String[] {"random", "1", "8"},
            new String[] {"urandom", "1", "9"},
            new String[] {"tty", "5", "0"});

    private final Path nsenter;
    private final String notice;

    /** @param notice what progress output says about this isolation (why it was chosen, its limits) */
    SnapshotExecutor(Path nsenter, String notice) {
        this.nsenter = nsenter;
        this.notice = notice;
    }

    @Override
    public String notice() {
        return notice;
    }

    @Override
    public Isolation isolation() {
        return Isolation.NONE;
    }

    @Override
    public RunResult run(RunRequest request) {
        long start = System.nanoTime();
        for (RunMount m : request.mounts()) {
            if (m instanceof RunMount.Ssh) {
                throw StrataException.environment("RUN --mount=type=ssh needs a socket bound into the step, which"
                        + " isolation none cannot do; use a runtime (see strata doctor)");
            }
        }
        Path step;
        try {
            Files.createDirectories(request.workRoot());
            step = Files.createTempDirectory(request.workRoot().toAbsolutePath(), "strata-run-");
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot create a scratch dir under " + request.workRoot() + ": " + e.getMessage(), e);
        }
        Running running = new Running();
        Thread hook = new Thread(
                () -> {
                    running.kill();
                    Tree.delete(step);
                },
                "strata-run-cleanup-" + step.getFileName());
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            Tree.delete(step);
            throw StrataException.environment("strata is shutting down: the RUN step was not started");
        }
        Path root = step.resolve("root");
        Path upper = step.resolve("upper");
        boolean ok = false;
        try {
            Files.createDirectory(root);
            Files.createDirectory(upper);
            RootfsCopy.materialize(request.lowerDirs(), root);
            RootfsView view = RootfsView.of(List.of(root));
            ResolvedUser user = ResolvedUser.resolve(request.user(), view);
            InitLayer init = new InitLayer(root, view);
            Set<String> skipped = new HashSet<>();
            for (String d : List.of("/proc", "/sys")) {
                skipped.add(rel(init.stub(d, true)));
            }
            String dev = rel(init.stub("/dev", true));
            skipped.add(dev);
            generated(root, init, "/etc/hosts", OverlayExecutor.hosts(request), skipped);
            generated(root, init, "/etc/resolv.conf", OverlayExecutor.resolvConf(request), skipped);
            generated(root, init, "/etc/hostname", request.hostname() + "\n", skipped);
            String cwd = init.stub(request.workingDir(), true);
            try (MountPlan plan = MountPlan.prepare(request, step, init)) {
                init.finish();
                devices(root.resolve(dev), request);
                List<Placed> placed = new ArrayList<>();
                for (MountPlan.Planned m : plan.mounts) {
                    placed.add(place(root, step, m, plan, placed.size()));
                    skipped.add(rel(m.destination()));
                }
                TreeSnapshot before = TreeSnapshot.take(root, skipped);
                if (request.network() == NetworkMode.NONE) {
                    request.output()
                            .accept("strata: warning: --network=none is not enforced with isolation none:"
                                    + " the step has this container's network");
                }
                int exit = running.start(command(request, root, cwd, user), OverlayExecutor.environment(request, user))
                        .await(request.output());
                for (Placed p : placed) {
                    p.restore();
                }
                TreeSnapshot after = TreeSnapshot.take(root, skipped);
                TreeDiff.write(before, after, upper);
                ok = true;
                return new RunResult(exit, upper, Duration.ofNanos(System.nanoTime() - start));
            }
        } catch (IOException e) {
            throw StrataException.environment(
                    "could not set up the RUN step (none), or read what it changed: " + e.getMessage(), e);
        } finally {
            running.kill();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            Tree.delete(root);
            if (!ok) {
                Tree.delete(step);
            }
        }
    }

    private List<String> command(RunRequest request, Path root, String cwd, ResolvedUser user) {
        List<String> cmd = new ArrayList<>(OverlayExecutor.prlimit(request));
        cmd.add(nsenter.toString());
        // --wd is opened before the chroot, so it names the host path of the working dir
        cmd.add("--root=" + root);
        cmd.add("--wd=" + root.resolve(rel(cwd)));
        if (user.uid() != 0 || user.gid() != 0) {
            cmd.addAll(List.of("-S", Integer.toString(user.uid()), "-G", Integer.toString(user.gid())));
        }
        cmd.add("--");
        cmd.addAll(request.argv());
        return cmd;
    }

    /** Writes a generated /etc file into the copy; it is left out of the layer, as a bind mount would be. */
    private static void generated(Path root, InitLayer init, String path, String content, Set<String> skipped)
            throws IOException {
        String real = rel(init.stub(path, false));
        Path file = root.resolve(real);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.writeString(file, content);
        }
        skipped.add(real);
    }

    /** The usual devices and /dev/shm; without CAP_MKNOD /dev/null is a plain file that is thrown away. */
    private static void devices(Path dev, RunRequest request) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "sh",
                "-c",
                "cd \"$1\" && shift && while [ $# -gt 0 ]; do [ -e \"$1\" ] || mknod -m 666 \"$1\" c \"$2\" \"$3\""
                        + " 2>/dev/null; shift 3; done",
                "sh",
                dev.toString()));
        for (String[] d : DEVICES) {
            cmd.addAll(List.of(d));
        }
        Trial.run(cmd);
        Path nul = dev.resolve("null");
        if (!Files.exists(nul, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(nul);
            Files.setAttribute(nul, "unix:mode", 0666);
            request.output().accept("strata: warning: no CAP_MKNOD: /dev/null is a plain file in this step");
        }
        Path shm = dev.resolve("shm");
        if (!Files.exists(shm, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(shm);
            Files.setAttribute(shm, "unix:mode", 01777);
        }
    }

    /**
     * Puts a mount's content at its target in the copy: what the image has there is moved aside
     * (as a mount would hide it), the source copied in; {@link Placed#restore()} undoes it.
     */
    private static Placed place(Path root, Path step, MountPlan.Planned m, MountPlan plan, int n) throws IOException {
        Path target = root.resolve(rel(m.destination()));
        Path hidden = step.resolve("hidden" + n);
        Files.createDirectory(hidden);
        boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (dir) {
            moveChildren(target, hidden);
        } else {
            Files.copy(target, hidden.resolve("file"), LinkOption.NOFOLLOW_LINKS);
        }
        if (m.tmpfs()) {
            return new Placed(target, hidden, dir, null);
        }
        Path source = m.source();
        MountPlan.SecretFile secret = plan.secrets.stream()
                .filter(s -> source.getFileName().toString().equals(s.name())
                        && source.getParent().getFileName().toString().equals("secrets"))
                .findFirst()
                .orElse(null);
        if (secret != null) {
            Files.write(target, secret.content());
            Files.setAttribute(target, "unix:uid", secret.uid());
            Files.setAttribute(target, "unix:gid", secret.gid());
            Files.setAttribute(target, "unix:mode", secret.mode());
            return new Placed(target, hidden, false, null);
        }
        if (dir) {
            copyChildren(source, target);
            // a mount shows the source dir's owner and mode at the target (a cache's uid, gid, mode)
            Map<String, Object> a = Files.readAttributes(source, "unix:uid,gid,mode");
            Files.setAttribute(target, "unix:uid", a.get("uid"));
            Files.setAttribute(target, "unix:gid", a.get("gid"));
            Files.setAttribute(target, "unix:mode", ((Integer) a.get("mode")) & 07777);
        } else {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // a writable mount outside the step's scratch dir is a cache: what the step wrote goes back
        boolean cache = dir && !m.readonly() && !source.toAbsolutePath().startsWith(step);
        return new Placed(target, hidden, dir, cache ? source : null);
    }

    /** A mount placed in the copy, and how to take it out again. */
    private record Placed(Path target, Path hidden, boolean dir, Path writeBack) {
        void restore() throws IOException {
            if (writeBack != null) {
                try (DirectoryStream<Path> old = Files.newDirectoryStream(writeBack)) {
                    for (Path p : old) {
                        Tree.delete(p);
                    }
                }
                copyChildren(target, writeBack);
            }
            if (dir) {
                try (DirectoryStream<Path> placed = Files.newDirectoryStream(target)) {
                    for (Path p : placed) {
                        Tree.delete(p);
                    }
                }
                moveChildren(hidden, target);
            } else if (Files.exists(hidden.resolve("file"))) {
                // in place: replacing the file would change its parent's mtime, which is in the layer
                Files.write(target, Files.readAllBytes(hidden.resolve("file")));
            }
            Tree.delete(hidden);
        }
    }

    private static void moveChildren(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                Files.move(p, to.resolve(p.getFileName().toString()));
            }
        }
    }

    private static void copyChildren(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                RootfsCopy.copyTree(p, to.resolve(p.getFileName().toString()));
            }
        }
    }

    private static String rel(String absolute) {
        return absolute.replaceFirst("^/+", "");
    }

    /** The step's process: started once, killed (with its children) on failure or Ctrl-C. */
    private static final class Running {
        private Process process;
        private boolean done;

        synchronized Running start(List<String> cmd, List<String> env) throws IOException {
            if (done) {
                throw StrataException.environment("interrupted before the RUN step started");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Map<String, String> e = pb.environment();
            e.clear();
            for (String kv : env) {
                int eq = kv.indexOf('=');
                e.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
            }
            process = pb.start();
            process.getOutputStream().close();
            return this;
        }

        int await(Consumer<String> output) throws IOException {
            return StepOutput.pump(process, output);
        }

        synchronized void kill() {
            done = true;
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
