package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import dev.strata.error.StrataException;
import java.nio.file.Path;
import java.util.Optional;

/** Chooses how RUN steps are isolated on this machine. */
public final class RunExecutors {
    private RunExecutors() {}

    /**
     * Probes crun, then runc, then chroot isolation (or only the one {@code requested}).
     *
     * @throws StrataException ENVIRONMENT (exit 4) naming what is missing (root, overlayfs, a
     *                         runtime) and what to install
     */
    public static RunExecutor probe(Optional<Isolation> requested) {
        return probe(requested, EnvironmentProbe.system());
    }

    /**
     * As {@link #probe(Optional)}, and also tries an overlay mount under {@code workRoot} (where the
     * steps' scratch dirs go): when none mounts there (a kernel without overlayfs in user namespaces,
     * a store on overlayfs, {@code STRATA_OVERLAY=off}) and no isolation was asked for, RUN steps
     * fall back to isolation none, which copies the rootfs and compares trees; an asked-for runtime
     * is then an environment error naming the cause.
     */
    public static RunExecutor probe(Optional<Isolation> requested, Path workRoot) {
        return probe(requested, EnvironmentProbe.system(), workRoot);
    }

    /** {@link #probe(Optional, Path)} against the given view of the machine. */
    public static RunExecutor probe(Optional<Isolation> requested, EnvironmentProbe env, Path workRoot) {
        if (requested.equals(Optional.of(Isolation.NONE)) || !env.isRoot() || !env.mountNamespaces()) {
            return probe(requested, env);
        }
        Optional<String> refused =
                env.overlaySupported() ? env.overlayRefused(workRoot) : Optional.of("the kernel offers no overlayfs");
        if (refused.isEmpty()) {
            return probe(requested, env);
        }
        String why = "overlayfs does not mount under " + workRoot + " (" + refused.get() + ")";
        if (requested.isPresent()) {
            throw StrataException.environment("--isolation=" + requested.get().flag() + " runs on overlayfs, but "
                    + why + ": use --isolation=none (copies the rootfs), or leave --isolation out to fall back to it;"
                    + " 'strata doctor' says why");
        }
        return none(env, why, copyNotice(why));
    }

    /** The progress notice of the fallback: what was chosen, why, and what it does not protect. */
    private static String copyNotice(String why) {
        boolean rootless = UserNamespace.current().nested();
        return why + ", so RUN steps fall back to isolation none" + (rootless ? " in this user namespace" : "")
                + ": the rootfs is copied for each step and its layer found by comparing trees (slower, more"
                + " disk); not protected: the processes, network, hostname and IPC strata itself sees are"
                + " shared, there is no /proc or /sys, no seccomp filter or capability drop, read-only mounts"
                + " are writable copies, and a root command can leave the chroot";
    }

    /** {@link #probe(Optional)} against the given view of the machine. */
    public static RunExecutor probe(Optional<Isolation> requested, EnvironmentProbe env) {
        if (requested.equals(Optional.of(Isolation.NONE))) {
            return none(env, "--isolation=none");
        }
        if (env.isRoot() && requested.isEmpty() && !env.mountNamespaces()) {
            // a container with docker's defaults: no namespace, no mount, but a chroot as its root
            return none(env, "no mount namespace can be made here ('strata doctor' says why)");
        }
        if (!env.isRoot()) {
            throw StrataException.environment("RUN steps need root, or a user namespace strata makes for"
                    + " itself (rootless, see docs/exec.md), and neither is available here: 'strata doctor'"
                    + " says why and what to change; or run strata as root");
        }
        if (!env.overlaySupported()) {
            throw StrataException.environment("overlayfs is not available in this kernel: load it with "
                    + "'modprobe overlay' (RUN steps run on overlayfs)");
        }
        Path unshare = env.executable("unshare")
                .orElseThrow(() -> StrataException.environment(
                        "unshare not found on PATH: install util-linux (apt-get install util-linux)"));
        if (env.executable("mount").isEmpty()) {
            throw StrataException.environment("mount not found on PATH: install mount (apt-get install mount)");
        }
        if (requested.isPresent()) {
            Isolation i = requested.get();
            if (i == Isolation.CHROOT) {
                return new OverlayExecutor(i, unshare, unshare, false);
            }
            Path runtime = env.executable(i.flag())
                    .orElseThrow(() -> StrataException.environment("--isolation=" + i.flag() + ": " + i.flag()
                            + " not found on PATH: install it (apt-get install " + i.flag()
                            + ") or choose another with --isolation=crun|runc|chroot"));
            return new OverlayExecutor(i, runtime, unshare, i == Isolation.CRUN && env.hybridCgroups());
        }
        Optional<Path> crun = env.executable("crun");
        if (crun.isPresent()) {
            return new OverlayExecutor(Isolation.CRUN, crun.get(), unshare, env.hybridCgroups());
        }
        Optional<Path> runc = env.executable("runc");
        if (runc.isPresent()) {
            return new OverlayExecutor(Isolation.RUNC, runc.get(), unshare, false);
        }
        // unshare + chroot works everywhere overlayfs does, but isolates less (see docs/exec.md)
        return new OverlayExecutor(Isolation.CHROOT, unshare, unshare, false);
    }

    private static RunExecutor none(EnvironmentProbe env, String why) {
        return none(env, why, Isolation.NONE.limits());
    }

    private static RunExecutor none(EnvironmentProbe env, String why, String notice) {
        if (!env.isRoot() || !env.canChroot()) {
            throw StrataException.environment(why + ", and isolation none needs root with CAP_SYS_CHROOT (docker's"
                    + " default) to chroot into the step's rootfs: run strata as root in the container, or allow"
                    + " user namespaces; 'strata doctor' says what is missing");
        }
        Path nsenter = env.executable("nsenter")
                .orElseThrow(() -> StrataException.environment(
                        why + ": isolation none needs nsenter: install util-linux (apt-get install util-linux)"));
        return new SnapshotExecutor(nsenter, notice);
    }
}
