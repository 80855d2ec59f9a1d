package dev.strata.exec;

import dev.strata.error.StrataException;
import java.util.Locale;

/**
 * How a RUN step is isolated: an OCI runtime (crun, runc), plain namespaces + chroot, or none of
 * them (a chroot into a copy of the rootfs, for containers that may make no namespace or mount).
 */
public enum Isolation {
    CRUN("crun"),
    RUNC("runc"),
    /** {@code unshare} namespaces and a chroot, for machines without an OCI runtime. */
    CHROOT("chroot"),
    /** No namespace, no mount: a copy of the rootfs, a chroot, the layer by comparing trees. */
    NONE("none");

    private final String flag;

    Isolation(String flag) {
        this.flag = flag;
    }

    /** The value as written on the command line ({@code --isolation=crun}). */
    public String flag() {
        return flag;
    }

    /** Parses {@code crun|runc|chroot|none}, as given to {@code --isolation}. */
    public static Isolation parse(String value) {
        for (Isolation i : values()) {
            if (i.flag.equals(value.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw StrataException.input("--isolation=" + value + " is not known: use crun, runc, chroot or none");
    }

    /**
     * For progress output: what this isolation does not protect, or empty for the runtimes, which
     * isolate as docker build does.
     */
    public String limits() {
        return switch (this) {
            case CRUN, RUNC -> "";
            case CHROOT ->
                "isolation chroot (unshare namespaces, no OCI runtime): no seccomp filter, no capability drop,"
                        + " no cgroup limits";
            case NONE ->
                "isolation none (no namespace or mount can be made here): RUN steps run as this container's"
                        + " root in a chroot of a copied rootfs; not protected: the container's processes, network,"
                        + " hostname and IPC are shared, there is no /proc or /sys, no seccomp filter or capability"
                        + " drop beyond the container's own, read-only mounts are writable copies, and a root"
                        + " command can leave the chroot";
        };
    }
}
