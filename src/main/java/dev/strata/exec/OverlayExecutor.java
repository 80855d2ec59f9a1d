package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a step on overlayfs inside a private mount namespace ({@code unshare -m}), in crun, runc or
 * a chroot. Scratch layout under the request's work root: {@code strata-run-XXX/} with upper, work,
 * init (stubs), merged, l/N (links to the lower dirs), secrets (a tmpfs in the step's namespace:
 * secret files and the runtime's config.json or chroot's env line, which hold the environment),
 * bundle (script, etc files). Everything but upper is removed when the step ends; {@link RunResult#close()} removes
 * the rest.
 */
final class OverlayExecutor implements RunExecutor {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private final Isolation isolation;
    private final Path runtime;
    private final Path unshare;
    private final boolean maskUnified;
    private final SecureRandom random = new SecureRandom();
    /** Opaque-dir answers for the lower dirs, which are immutable snapshots (see RootfsView). */
    private final Map<Path, Boolean> opaque = new ConcurrentHashMap<>();

    /**
     * @param runtime     the crun or runc binary (ignored for chroot)
     * @param maskUnified whether crun needs /sys/fs/cgroup/unified hidden (hybrid cgroups)
     */
    OverlayExecutor(Isolation isolation, Path runtime, Path unshare, boolean maskUnified) {
        this.isolation = isolation;
        this.runtime = runtime;
        this.unshare = unshare;
        this.maskUnified = maskUnified;
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public RunResult run(RunRequest request) {
        long start = System.nanoTime();
        String id = ContainerIds.prefix(request.owner()) + HexFormat.of().formatHex(bytes());
        Path step;
        try {
            Files.createDirectories(request.workRoot());
            step = Files.createTempDirectory(request.workRoot().toAbsolutePath(), "strata-run-");
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot create a scratch dir under " + request.workRoot() + ": " + e.getMessage(), e);
        }
        Running running = new Running(id, step, stateRoot());
        // Ctrl-C or a kill: the run thread may never reach its finally, so the hook cleans up itself
        Thread hook = new Thread(
                () -> {
                    running.abort();
                    Tree.delete(step);
                },
                "strata-run-cleanup-" + id);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            Tree.delete(step);
            throw StrataException.environment("strata is shutting down: the RUN step was not started");
        }
        boolean ok = false;
        try (MountPlan plan = prepare(request, step, running)) {
            int exit = running.await(request.output());
            if (!Files.exists(step.resolve("bundle/ready"))) {
                String why = read(step.resolve("bundle/setup.err"));
                throw StrataException.environment("could not set up the RUN step (" + isolation.flag() + "): "
                        + (why.isBlank() ? "exit " + exit : why.strip()));
            }
            ok = true;
            return new RunResult(exit, step.resolve("upper"), Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw StrataException.environment("RUN step failed to start: " + e.getMessage(), e);
        } finally {
            running.abort();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            cleanScratch(step, ok);
        }
    }

    private byte[] bytes() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return b;
    }

    private MountPlan prepare(RunRequest request, Path step, Running running) throws IOException {
        for (String d : List.of("upper", "work", "init", "merged", "bundle", "l", "secrets")) {
            Files.createDirectory(step.resolve(d));
        }
        for (int i = 0; i < request.lowerDirs().size(); i++) {
            Files.createSymbolicLink(
                    step.resolve("l/" + i), request.lowerDirs().get(i).toAbsolutePath());
        }
        RootfsView view = RootfsView.of(request.lowerDirs(), opaque);
        ResolvedUser user = ResolvedUser.resolve(request.user(), view);
        InitLayer init = new InitLayer(step.resolve("init"), view);
        for (String d : List.of("/proc", "/dev", "/sys")) {
            init.stub(d, true);
        }
        Path bundle = step.resolve("bundle");
        List<String[]> etc = new ArrayList<>();
        etc.add(new String[] {init.stub("/etc/hosts", false), write(bundle.resolve("hosts"), hosts(request))});
        etc.add(new String[] {
            init.stub("/etc/resolv.conf", false), write(bundle.resolve("resolv.conf"), resolvConf(request))
        });
        etc.add(new String[] {
            init.stub("/etc/hostname", false), write(bundle.resolve("hostname"), request.hostname() + "\n")
        });
        String cwd = init.stub(request.workingDir(), true);
        MountPlan plan = MountPlan.prepare(request, step, init);
        try {
            init.finish();
            List<String> env = environment(request, user);
            // the environment may hold secrets (RUN --mount=type=secret,env=): the runtime's spec, or for
            // chroot a sh line setting the arguments of env -i, goes through stdin to the step's tmpfs
            // like the secret files, never to a disk
            plan.secrets.add(
                    isolation == Isolation.CHROOT
                            ? new MountPlan.SecretFile(
                                    "env",
                                    ("set -- " + Shell.quoteAll(env) + "\n").getBytes(StandardCharsets.UTF_8),
                                    0,
                                    0,
                                    0600)
                            : new MountPlan.SecretFile(
                                    "config.json",
                                    OciSpec.json(
                                            request,
                                            env,
                                            cwd,
                                            user,
                                            step.resolve("merged"),
                                            running.id,
                                            etc,
                                            plan.mounts),
                                    0,
                                    0,
                                    0600));
            SetupScript script = new SetupScript(request.lowerDirs().size(), plan.secrets);
            String command;
            List<String> launcher = new ArrayList<>(List.of(unshare.toString(), "-m", "--propagation", "private"));
            if (isolation == Isolation.CHROOT) {
                launcher.addAll(List.of("-u", "-i", "-p", "-f", "--kill-child"));
                if (request.network() == NetworkMode.NONE) {
                    launcher.add("-n");
                }
                SetupScript.chrootMounts(
                                etc,
                                plan.mounts,
                                request.network() == NetworkMode.NONE,
                                request.hostname(),
                                OciSpec.shmSize(request))
                        .forEach(script::add);
                script.add(". secrets/env");
                List<String> cmd = new ArrayList<>(prlimit(request));
                cmd.addAll(List.of(unshare.toString(), "-R", "merged", "-w", cwd));
                if (user.uid() != 0 || user.gid() != 0) {
                    cmd.addAll(List.of("-S", Integer.toString(user.uid()), "-G", Integer.toString(user.gid())));
                }
                cmd.add("--");
                cmd.addAll(request.argv());
                command = "/usr/bin/env -i \"$@\" " + Shell.quoteAll(cmd);
            } else {
                if (maskUnified) {
                    script.add("mount -t tmpfs none /sys/fs/cgroup/unified");
                }
                List<String> run = running.runtime();
                run.addAll(List.of("run", "--bundle", step.resolve("secrets").toString(), running.id));
                command = Shell.quoteAll(run);
            }
            Files.writeString(bundle.resolve("run.sh"), script.finish(command));
            launcher.addAll(List.of("/bin/sh", "bundle/run.sh"));
            running.start(
                    new ProcessBuilder(launcher).directory(step.toFile()).redirectErrorStream(true), plan.secrets);
            return plan;
        } catch (IOException | RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    /**
     * Where the runtime keeps its state: its default /run/crun or /run/runc as root of the machine;
     * in a user namespace (rootless strata) those belong to the real root, so a temp dir per step.
     */
    private Path stateRoot() {
        if (!UserNamespace.current().nested()) {
            return Path.of("/run", isolation.flag());
        }
        try {
            return Files.createTempDirectory("strata-" + isolation.flag() + "-");
        } catch (IOException e) {
            throw StrataException.environment("cannot create the runtime's state dir: " + e.getMessage(), e);
        }
    }

    /** For chroot, {@code --ulimit}s as a {@code prlimit} prefix (a runtime sets them from the spec). */
    static List<String> prlimit(RunRequest request) {
        List<ContainerOptions.Ulimit> ulimits = request.container().ulimits();
        if (ulimits.isEmpty()) {
            return List.of();
        }
        Path tool = Stream.of("/usr/bin/prlimit", "/bin/prlimit")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () -> StrataException.environment(
                                "--ulimit with --isolation=chroot or none needs prlimit (util-linux); install it or use crun or runc"));
        List<String> out = new ArrayList<>(List.of(tool.toString()));
        ulimits.forEach(l -> out.add(l.prlimitOption()));
        out.add("--");
        return out;
    }

    static List<String> environment(RunRequest request, ResolvedUser user) {
        List<String> env = new ArrayList<>(request.env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.add(0, DEFAULT_PATH);
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + user.home());
        }
        return env;
    }

    static String hosts(RunRequest request) {
        StringBuilder b = new StringBuilder(
                        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t")
                .append(request.hostname())
                .append('\n');
        // --add-host lines come after the defaults, as docker writes them
        request.container().hosts().forEach(h -> b.append(h.line()).append('\n'));
        return b.toString();
    }

    static String resolvConf(RunRequest request) {
        if (request.network() == NetworkMode.HOST) {
            String host = read(Path.of("/etc/resolv.conf"));
            if (!host.isBlank()) {
                return host;
            }
        }
        return "";
    }

    private static String write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        return file.toString();
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void cleanScratch(Path step, boolean keepUpper) {
        try (var entries = Files.list(step)) {
            for (Path p : entries.toList()) {
                if (!(keepUpper && p.getFileName().toString().equals("upper"))) {
                    Tree.delete(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: the step dir is under the work root, which prune removes
        }
        if (!keepUpper) {
            Tree.delete(step);
        }
    }

    /** One started step: its process and container id, for waiting and for Ctrl-C. */
    private final class Running {
        final String id;
        final Path step;
        final Path state;
        private Process process;
        private boolean done;

        Running(String id, Path step, Path state) {
            this.id = id;
            this.step = step;
            this.state = state;
        }

        /**
         * The runtime and its global options. In a user namespace: a state dir of our own, and for
         * crun no cgroup (a rootless user may not write the cgroup tree; runc ignores the error itself).
         */
        List<String> runtime() {
            List<String> cmd = new ArrayList<>(List.of(runtime.toString()));
            if (UserNamespace.current().nested()) {
                cmd.addAll(List.of("--root", state.toString()));
                cmd.add(isolation == Isolation.CRUN ? "--cgroup-manager=disabled" : "--rootless=true");
            }
            return cmd;
        }

        synchronized void start(ProcessBuilder pb, List<MountPlan.SecretFile> secrets) throws IOException {
            if (done) {
                throw StrataException.environment("interrupted before the RUN step started");
            }
            process = pb.start();
            try (OutputStream in = process.getOutputStream()) {
                for (MountPlan.SecretFile s : secrets) {
                    in.write(s.content());
                }
            } catch (IOException e) {
                // the script failed before reading: its error is in setup.err
            }
        }

        int await(Consumer<String> output) throws IOException {
            Process p;
            synchronized (this) {
                p = process;
            }
            return StepOutput.pump(p, output);
        }

        /** Kills what still runs and removes the runtime's state; safe to call twice. */
        synchronized void abort() {
            if (done) {
                return;
            }
            done = true;
            if (process != null && process.isAlive()) {
                if (isolation != Isolation.CHROOT) {
                    runtimeCommand("kill", id, "KILL");
                }
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (isolation != Isolation.CHROOT) {
                if (Files.exists(state.resolve(id))) {
                    runtimeCommand("delete", "-f", id);
                }
                Cgroups.remove(id);
            }
            if (UserNamespace.current().nested()) {
                Tree.delete(state);
            }
        }

        private void runtimeCommand(String... args) {
            List<String> cmd = runtime();
            cmd.addAll(List.of(args));
            String line = Shell.quoteAll(cmd);
            if (maskUnified) {
                line = "mount -t tmpfs none /sys/fs/cgroup/unified && exec " + line;
            }
            try {
                new ProcessBuilder(unshare.toString(), "-m", "--propagation", "private", "/bin/sh", "-c", line)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor();
            } catch (IOException e) {
                // nothing more can be done; the id is unique so it cannot clash later
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
