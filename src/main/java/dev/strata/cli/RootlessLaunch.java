package dev.strata.cli;

import dev.strata.exec.Diagnosis;
import dev.strata.exec.Doctor;
import dev.strata.exec.EnvironmentProbe;
import dev.strata.exec.Finding;
import dev.strata.exec.RunMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Rootless strata: a build by a user who is not root runs again as uid 0 of a user namespace of its
 * own, where overlayfs mounts, crun starts and extracted files keep their owners (see docs/exec.md).
 * prune and rmi go there too: the snapshots they delete belong to the namespace's ids.
 */
final class RootlessLaunch {
    /** Set in the relaunched process, so it never relaunches again; STRATA_ROOTLESS=0 turns this off. */
    static final String MARK = "STRATA_USERNS";

    private static final Set<String> COMMANDS = Set.of("build", "prune", "rmi");

    private RootlessLaunch() {}

    /** The relaunched process's exit code, or empty when this process should run the command itself. */
    static Optional<Integer> relaunch(String[] args, PrintWriter err) {
        if (System.getenv(MARK) != null
                || "0".equals(System.getenv("STRATA_ROOTLESS"))
                || !wanted(args)
                || EnvironmentProbe.system().isRoot()) {
            return Optional.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        Optional<String[]> jvmArgs = ProcessHandle.current().info().arguments();
        if (java.isEmpty() || jvmArgs.isEmpty()) {
            return Optional.empty();
        }
        Diagnosis d = Doctor.userNamespace();
        if (!(d.mode() instanceof RunMode.NewUserNamespace mode)) {
            // builds without RUN still work; a RUN step names the problem and strata doctor
            return Optional.empty();
        }
        for (Finding f : d.findings()) {
            if (f.level() == Finding.Level.WARN) {
                err.println("strata: warning: " + f.detail() + (f.fix().isEmpty() ? "" : " (fix: " + f.fix() + ")"));
            }
        }
        err.println("strata: " + mode.describe());
        err.flush();
        List<String> cmd = new ArrayList<>(mode.enter());
        cmd.add(java.get());
        cmd.addAll(List.of(jvmArgs.get()));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(MARK, "1");
        // inside, the JVM's user.home is root's passwd entry: the store is named here, once
        pb.environment().put("STRATA_HOME", StoreHome.resolve().toString());
        try {
            Process child = pb.start();
            Thread hook = new Thread(() -> stop(child), "strata-rootless-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            int code = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(hook);
            return Optional.of(code);
        } catch (IOException e) {
            err.println("strata: warning: cannot start strata in a user namespace (" + e.getMessage()
                    + "); running without one");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /** A signal to this process (a CI cancel): the inner strata gets it too and cleans up first. */
    private static void stop(Process child) {
        if (child.isAlive()) {
            child.destroy();
            try {
                child.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean wanted(String[] args) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        for (String a : args) {
            if (!a.startsWith("-")) {
                return COMMANDS.contains(a);
            }
        }
        return false;
    }
}
