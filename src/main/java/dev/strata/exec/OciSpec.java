package dev.strata.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.archive.UserNamespace;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The OCI runtime spec (config.json) of one RUN step, shaped like docker's defaults. */
final class OciSpec {
    /** Docker's default capability set. */
    static final List<String> CAPABILITIES = List.of(
            "CAP_CHOWN",
            "CAP_DAC_OVERRIDE",
            "CAP_FSETID",
            "CAP_FOWNER",
            "CAP_MKNOD",
            "CAP_NET_RAW",
            "CAP_SETGID",
            "CAP_SETUID",
            "CAP_SETFCAP",
            "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT",
            "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private static final List<String> MASKED = List.of(
            "/proc/asound",
            "/proc/acpi",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware");
    private static final List<String> READONLY =
            List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private OciSpec() {}

    /**
     * The spec as JSON bytes.
     *
     * @param etc the destinations (symlinks resolved) and host files of /etc/hosts, resolv.conf, hostname
     */
    static byte[] json(
            RunRequest request,
            List<String> env,
            String cwd,
            ResolvedUser user,
            Path rootfs,
            String cgroupsPath,
            List<String[]> etc,
            List<MountPlan.Planned> extra) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode spec = om.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process");
        process.put("terminal", false);
        ObjectNode u = process.putObject("user");
        u.put("uid", user.uid());
        u.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) {
            ArrayNode g = u.putArray("additionalGids");
            user.additionalGids().forEach(g::add);
        }
        strings(process.putArray("args"), request.argv());
        strings(process.putArray("env"), env);
        process.put("cwd", cwd);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(caps.putArray(set), CAPABILITIES);
        }
        ArrayNode rlimits = process.putArray("rlimits");
        List<ContainerOptions.Ulimit> ulimits = request.container().ulimits();
        if (ulimits.stream().noneMatch(l -> l.name().equals("nofile"))) {
            long nofile = openFilesLimit();
            rlimit(rlimits, "RLIMIT_NOFILE", nofile, nofile);
        }
        for (ContainerOptions.Ulimit l : ulimits) {
            rlimit(rlimits, l.ociType(), l.soft(), l.hard());
        }
        process.put("noNewPrivileges", false);
        ObjectNode root = spec.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", false);
        spec.put("hostname", request.hostname());

        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        UserNamespace userns = UserNamespace.current();
        List<String> pts = new ArrayList<>(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
        if (userns.mapsGid(5)) {
            pts.add("gid=5"); // tty; a single-uid namespace has no gid 5
        }
        mount(mounts, "/dev/pts", "devpts", "devpts", pts);
        mount(
                mounts,
                "/dev/shm",
                "tmpfs",
                "shm",
                List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shmSize(request)));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        if (userns.nested() && request.network() != NetworkMode.NONE) {
            // sysfs mounts only for the owner of the network namespace; the host's is not ours
            mount(mounts, "/sys", "bind", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro"));
        } else {
            mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        }
        for (String[] e : etc) {
            mount(mounts, e[0], "bind", e[1], List.of("rbind", "ro"));
        }
        for (MountPlan.Planned p : extra) {
            if (p.tmpfs()) {
                List<String> opts = p.size().isPresent()
                        ? List.of("nosuid", "nodev", "size=" + p.size().getAsLong())
                        : List.of("nosuid", "nodev");
                mount(mounts, p.destination(), "tmpfs", "tmpfs", opts);
            } else {
                mount(
                        mounts,
                        p.destination(),
                        "bind",
                        p.source().toString(),
                        List.of("rbind", p.readonly() ? "ro" : "rw"));
            }
        }

        ObjectNode linux = spec.putObject("linux");
        if (!userns.nested()) {
            // rootless runtimes may not make cgroups (runc then fails on cgroup v1 even with --rootless)
            linux.put("cgroupsPath", cgroupsPath);
        }
        ArrayNode ns = linux.putArray("namespaces");
        for (String t : List.of("pid", "ipc", "uts", "mount")) {
            ns.addObject().put("type", t);
        }
        if (request.network() == NetworkMode.NONE) {
            ns.addObject().put("type", "network");
        }
        strings(linux.putArray("maskedPaths"), MASKED);
        strings(linux.putArray("readonlyPaths"), READONLY);
        try {
            return om.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Docker's 1048576, capped at this process's hard limit: raising it needs CAP_SYS_RESOURCE,
     * which root in a container may lack, and the runtime then refuses to start.
     */
    static long openFilesLimit() {
        long want = 1048576;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f =
                            line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? want : Math.min(want, Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return want;
        }
        return want;
    }

    /** The /dev/shm tmpfs size option: {@code --shm-size} in bytes, else docker's 64 MiB. */
    static String shmSize(RunRequest request) {
        return Long.toString(request.container().shmSize().orElse(ContainerOptions.DEFAULT_SHM));
    }

    private static void rlimit(ArrayNode rlimits, String type, long soft, long hard) {
        ObjectNode r = rlimits.addObject();
        r.put("type", type);
        // the spec's values are uint64: -1 (unlimited) is RLIM_INFINITY, all bits set
        r.put("hard", hard == -1 ? UNLIMITED : BigInteger.valueOf(hard));
        r.put("soft", soft == -1 ? UNLIMITED : BigInteger.valueOf(soft));
    }

    private static final BigInteger UNLIMITED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), options);
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
