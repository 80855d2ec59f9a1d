package dev.strata.exec;

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
        if (!env.isRoot() || !env.canChroot()) {
            throw StrataException.environment(why + ", and isolation none needs root with CAP_SYS_CHROOT (docker's"
                    + " default) to chroot into the step's rootfs: run strata as root in the container, or allow"
                    + " user namespaces; 'strata doctor' says what is missing");
        }
        Path nsenter = env.executable("nsenter")
                .orElseThrow(() -> StrataException.environment(
                        why + ": isolation none needs nsenter: install util-linux (apt-get install util-linux)"));
        return new SnapshotExecutor(nsenter);
    }
}
