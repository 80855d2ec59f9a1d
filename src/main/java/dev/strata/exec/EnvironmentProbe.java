package dev.strata.exec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What runtime detection asks of the machine. {@link #system()} asks the real one; tests give
 * their own answers to check the errors a machine without root, runtime or overlayfs gets.
 */
public interface EnvironmentProbe {

    /** Whether this process runs as root (uid 0). */
    boolean isRoot();

    /** The executable {@code name} on PATH (or in the usual sbin directories). */
    Optional<Path> executable(String name);

    /** Whether the kernel offers overlayfs. */
    boolean overlaySupported();

    /**
     * Why an overlay does not mount under {@code workDir} in a mount namespace of this process (the
     * store's file system, a user namespace and LSMs decide; {@code STRATA_OVERLAY=off} forces a
     * refusal), or empty when it mounts. Builds then fall back to copying the rootfs.
     */
    default Optional<String> overlayRefused(Path workDir) {
        return Optional.empty();
    }

    /**
     * Whether cgroup v1 hierarchies and a cgroup v2 mount at /sys/fs/cgroup/unified coexist, which
     * crun 1.8 refuses unless the v2 mount is masked.
     */
    boolean hybridCgroups();

    /**
     * Whether a mount namespace can be made ({@code unshare -m}): a container with docker's default
     * capabilities and seccomp profile refuses it, and RUN steps then get isolation none.
     */
    default boolean mountNamespaces() {
        return true;
    }

    /** Whether this process may chroot (CAP_SYS_CHROOT), which isolation none needs. */
    default boolean canChroot() {
        return isRoot();
    }

    /** The probe of this machine. */
    static EnvironmentProbe system() {
        return new SystemProbe();
    }
}
