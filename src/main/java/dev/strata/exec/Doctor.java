package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds out how RUN steps can be isolated here, by looking (/proc, /etc/subuid, PATH) and by small
 * experiments (make a user namespace, a mount namespace, an overlay mount in a scratch dir on the
 * store's file system). {@code strata doctor} prints the findings; builds use the mode.
 */
public final class Doctor {
    private final EnvironmentProbe env;
    private final ProcessIdentity me;
    private final UserNamespace ns;

    private Doctor(EnvironmentProbe env, ProcessIdentity me, UserNamespace ns) {
        this.env = env;
        this.me = me;
        this.ns = ns;
    }

    /** Examines this machine; overlay mounts are tried in a temp dir made under {@code workDir}. */
    public static Diagnosis diagnose(Path workDir) {
        return new Doctor(EnvironmentProbe.system(), ProcessIdentity.current(), UserNamespace.current()).run(workDir);
    }

    /**
     * For a user who is not root: whether strata can make a user namespace of its own and with
     * which ids (no overlay or runtime trials: those run inside it). Its findings hold the
     * warnings a build prints.
     */
    public static Diagnosis userNamespace() {
        Doctor d = new Doctor(EnvironmentProbe.system(), ProcessIdentity.current(), UserNamespace.current());
        List<Finding> f = new ArrayList<>();
        RunMode mode = d.env.executable("unshare").isEmpty()
                ? new RunMode.Unavailable("unshare is missing", "apt-get install util-linux")
                : d.rootless(f);
        return new Diagnosis(mode, false, f);
    }

    private Diagnosis run(Path workDir) {
        List<Finding> f = new ArrayList<>();
        boolean nested = ns.nested();
        f.add(Finding.info(
                "user",
                "uid " + me.uid() + " (" + me.name() + ")"
                        + (nested ? ", in a user namespace mapping " + ns.uidCount() + " uids" : "")
                        + "; CAP_SYS_ADMIN " + (me.has(ProcessIdentity.CAP_SYS_ADMIN) ? "yes" : "no")
                        + ", CAP_SYS_CHROOT " + (me.has(ProcessIdentity.CAP_SYS_CHROOT) ? "yes" : "no")
                        + ", CAP_MKNOD " + (me.has(ProcessIdentity.CAP_MKNOD) ? "yes" : "no")));
        f.add(seccomp());
        Optional<Path> unshare = env.executable("unshare");
        tool(f, "unshare", "util-linux", true);
        tool(f, "mount", "mount", true);
        tool(f, "getfattr", "attr", false);
        tool(f, "setfattr", "attr", false);
        RunMode mode;
        boolean overlay = false;
        if (unshare.isEmpty()) {
            mode = chrootOnly(f, "unshare is missing");
        } else if (me.root()) {
            Trial mountNs = Trial.run(List.of("unshare", "-m", "true"));
            if (mountNs.ok()) {
                f.add(Finding.ok("mount namespace", "unshare -m works"));
                overlay = overlayTrial(f, workDir, List.of("unshare", "-m"), nested);
                mode = nested ? new RunMode.InUserNamespace(ns.uidCount()) : new RunMode.Root();
            } else {
                f.add(Finding.warn(
                        "mount namespace",
                        "unshare -m is refused (" + mountNs.why() + "): no CAP_SYS_ADMIN, or a seccomp profile",
                        "for full isolation run the container with --privileged, or with --cap-add SYS_ADMIN"
                                + " --security-opt seccomp=unconfined --security-opt apparmor=unconfined"));
                mode = chrootOnly(f, "no mount namespace can be made");
            }
        } else {
            mode = rootless(f);
            if (mode instanceof RunMode.NewUserNamespace u) {
                List<String> userns = new ArrayList<>(List.of("unshare", "--user", "--map-root-user"));
                if (u.subordinateIds()) {
                    userns.add("--map-auto");
                }
                userns.add("-m");
                overlay = overlayTrial(f, workDir, userns, true);
            }
        }
        runtimes(f, mode);
        f.add(cgroups(mode));
        return new Diagnosis(mode, overlay, f);
    }

    private RunMode rootless(List<Finding> f) {
        String max = read(Path.of("/proc/sys/user/max_user_namespaces")).strip();
        String clone =
                read(Path.of("/proc/sys/kernel/unprivileged_userns_clone")).strip();
        String restrict = read(Path.of("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"))
                .strip();
        Trial single = Trial.run(List.of("unshare", "--user", "--map-root-user", "true"));
        if (!single.ok()) {
            String fix = max.equals("0")
                    ? "sysctl -w user.max_user_namespaces=15000"
                    : clone.equals("0")
                            ? "sysctl -w kernel.unprivileged_userns_clone=1"
                            : restrict.equals("1")
                                    ? "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor"
                                            + " profile allowing userns for java"
                                    : "run strata as root, or in a container whose seccomp profile allows"
                                            + " unshare(CLONE_NEWUSER)";
            f.add(Finding.fail(
                    "user namespaces",
                    "unshare --user is refused (" + single.why() + "); max_user_namespaces=" + orUnknown(max),
                    fix));
            return new RunMode.Unavailable("not root, and no user namespace can be made (" + single.why() + ")", fix);
        }
        f.add(Finding.ok("user namespaces", "an unprivileged user namespace can be made; max_user_namespaces=" + max));
        Optional<SubIds> uids = SubIds.of(Path.of("/etc/subuid"), me.name(), me.uid());
        Optional<SubIds> gids = SubIds.of(Path.of("/etc/subgid"), me.name(), me.uid());
        Optional<Path> newuidmap = env.executable("newuidmap");
        Optional<Path> newgidmap = env.executable("newgidmap");
        String singleWarning = "only uid 0 can be mapped: files of other users in base images become root's,"
                + " and RUN steps cannot switch to another user (USER, apt's _apt, chown to others fail)";
        if (uids.isEmpty() || gids.isEmpty()) {
            f.add(Finding.warn(
                    "subordinate ids",
                    "no range for " + me.name() + " in /etc/subuid and /etc/subgid: " + singleWarning,
                    "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + me.name()));
            return new RunMode.NewUserNamespace(false, 1);
        }
        f.add(Finding.ok(
                "subordinate ids",
                "/etc/subuid gives " + me.name() + " " + uids.get().count() + " uids from "
                        + uids.get().start() + ", /etc/subgid " + gids.get().count() + " gids"));
        if (newuidmap.isEmpty() || newgidmap.isEmpty()) {
            f.add(Finding.warn(
                    "newuidmap",
                    "newuidmap/newgidmap not found, so the ranges cannot be used: " + singleWarning,
                    "apt-get install uidmap"));
            return new RunMode.NewUserNamespace(false, 1);
        }
        Trial full = Trial.run(List.of("unshare", "--user", "--map-root-user", "--map-auto", "true"));
        if (!full.ok()) {
            f.add(Finding.warn(
                    "newuidmap",
                    "mapping the ranges failed (" + full.why() + "): " + singleWarning,
                    "check that newuidmap is setuid root (apt-get install --reinstall uidmap) and util-linux"
                            + " is 2.38 or newer (unshare --map-auto)"));
            return new RunMode.NewUserNamespace(false, 1);
        }
        f.add(Finding.ok("newuidmap", newuidmap.get() + " maps the ranges"));
        return new RunMode.NewUserNamespace(
                true, Math.min(uids.get().count(), gids.get().count()) + 1);
    }

    private RunMode chrootOnly(List<Finding> f, String why) {
        if (me.root()
                && me.has(ProcessIdentity.CAP_SYS_CHROOT)
                && env.executable("nsenter").isPresent()) {
            f.add(Finding.warn(
                    "isolation",
                    why + ": RUN steps get isolation none: a chroot of a copied rootfs, sharing this container's"
                            + " processes, network, hostname and IPC, without /proc or /sys (docs/exec.md)",
                    "accept it for a CI container, or give the container what the warnings above name"));
            return new RunMode.NoNamespaces();
        }
        String fix = me.root()
                ? "give the container CAP_SYS_CHROOT (docker's default) and install util-linux (nsenter)"
                : "run strata as root in the container (kaniko's way), or allow user namespaces";
        f.add(Finding.fail("isolation", why + ", and a chroot is not possible either", fix));
        return new RunMode.Unavailable(why + ", and a chroot is not possible either", fix);
    }

    private boolean overlayTrial(List<Finding> f, Path workDir, List<String> prefix, boolean userxattr) {
        if (!env.overlaySupported()) {
            f.add(Finding.warn(
                    "overlayfs",
                    "the kernel offers no overlayfs: RUN steps copy the rootfs (slower, more disk)",
                    "modprobe overlay"));
            return false;
        }
        Optional<String> refused = OverlayTrial.refused(workDir, prefix, userxattr);
        if (refused.isEmpty()) {
            f.add(Finding.ok(
                    "overlayfs", "an overlay mounts on " + workDir + (userxattr ? " in a user namespace" : "")));
            return true;
        }
        boolean onOverlay = MountTable.fsType(workDir).equals("overlay");
        f.add(Finding.warn(
                "overlayfs",
                "an overlay does not mount on " + workDir + " (" + refused.get() + ")"
                        + (onOverlay ? ": the store is itself on overlayfs (a container's root)" : "")
                        + "; RUN steps copy the rootfs instead (isolation none, slower, more disk)",
                OverlayTrial.forcedOff()
                        ? "unset " + OverlayTrial.FORCE_OFF
                        : onOverlay
                                ? "mount a volume (docker -v, an emptyDir) at the store, STRATA_HOME"
                                : "a kernel of 5.11 or newer mounts overlayfs in a user namespace"));
        return false;
    }

    private void runtimes(List<Finding> f, RunMode mode) {
        if (mode instanceof RunMode.NoNamespaces || mode instanceof RunMode.Unavailable) {
            return;
        }
        boolean any = false;
        for (String r : List.of("crun", "runc")) {
            Optional<Path> p = env.executable(r);
            if (p.isPresent()) {
                any = true;
                f.add(Finding.ok(
                        r,
                        p.get() + ": "
                                + Trial.run(List.of(p.get().toString(), "--version"))
                                        .why()));
            }
        }
        if (!any) {
            f.add(Finding.warn(
                    "runtime",
                    "neither crun nor runc is installed: RUN steps use unshare and a chroot (no seccomp, no"
                            + " capability drop)",
                    "apt-get install crun"));
        }
    }

    private Finding cgroups(RunMode mode) {
        String kind = MountTable.cgroupKind();
        boolean rootless = mode instanceof RunMode.NewUserNamespace || mode instanceof RunMode.InUserNamespace;
        if (mode instanceof RunMode.NoNamespaces || rootless) {
            return Finding.info(
                    "cgroups",
                    kind + "; RUN steps get no cgroup of their own here (no memory or pids"
                            + " limit beyond the one strata itself runs in)");
        }
        return Finding.ok("cgroups", kind + (env.hybridCgroups() ? " (crun gets the v2 mount masked)" : ""));
    }

    private Finding seccomp() {
        return switch (me.seccomp()) {
            case 0 -> Finding.ok("seccomp", "no seccomp filter on strata (RUN steps get crun/runc's own)");
            case 2 ->
                Finding.info(
                        "seccomp",
                        "a seccomp filter applies (a container's profile): it decides whether namespaces and mounts"
                                + " are allowed; the trials below show what it permits");
            default -> Finding.warn("seccomp", "strict seccomp mode", "run strata without seccomp strict mode");
        };
    }

    private void tool(List<Finding> f, String name, String pkg, boolean needed) {
        Optional<Path> p = env.executable(name);
        if (p.isEmpty()) {
            f.add(
                    needed
                            ? Finding.fail(name, name + " not found on PATH", "apt-get install " + pkg)
                            : Finding.warn(
                                    name,
                                    name + " not found: overlay markers and file capabilities are lost",
                                    "apt-get install " + pkg));
        }
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "unknown" : s;
    }

    private static String read(Path p) {
        try {
            // by lines: readString trusts the size procfs reports and has returned a truncated value
            return String.join("\n", Files.readAllLines(p));
        } catch (IOException e) {
            return "";
        }
    }
}
