package dev.strata.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime spec (config.json) of one RUN step for runc: the merged overlay as root, docker's
 * default capabilities, masked /proc paths, a small /dev, the host's resolv.conf and hosts, the RUN
 * mounts as binds or tmpfs, and PID/IPC/UTS/mount namespaces (plus network for --network=none).
 */
final class RuncConfig {
    /** Docker's default capability set for containers (and so for RUN in docker build). */
    private static final List<String> CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private RuncConfig() {
    }

    static byte[] json(ChrootRunner.Spec s, Path rootfs, int uid, int gid, Map<String, String> env, String cgroup) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("ociVersion", "1.0.2");
        ObjectNode p = n.putObject("process");
        p.put("terminal", false);
        p.putObject("user").put("uid", uid).put("gid", gid);
        ArrayNode args = p.putArray("args");
        s.argv().forEach(args::add);
        ArrayNode e = p.putArray("env");
        env.forEach((k, v) -> e.add(k + "=" + v));
        p.put("cwd", s.workdir());
        ObjectNode caps = p.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = caps.putArray(set);
            CAPS.forEach(a::add);
        }
        n.putObject("root").put("path", rootfs.toString()).put("readonly", false);
        n.put("hostname", "strata");
        ArrayNode mounts = n.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620"));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        if (!s.networkNone()) {
            mount(mounts, "/etc/resolv.conf", "bind", "/etc/resolv.conf", List.of("rbind", "ro"));
        }
        mount(mounts, "/etc/hosts", "bind", "/etc/hosts", List.of("rbind", "ro"));
        for (ChrootRunner.MountSpec ms : s.mounts()) {
            if (ms.source().isEmpty()) {
                mount(mounts, ms.target(), "tmpfs", "tmpfs", List.of("nosuid", "nodev"));
            } else {
                mount(mounts, ms.target(), "bind", ms.source().get().toString(),
                        ms.readOnly() ? List.of("rbind", "ro") : List.of("rbind", "rw"));
            }
        }
        ObjectNode linux = n.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String t : s.networkNone() ? List.of("pid", "ipc", "uts", "mount", "network") : List.of("pid", "ipc", "uts", "mount")) {
            ns.addObject().put("type", t);
        }
        linux.put("cgroupsPath", cgroup);
        ArrayNode masked = linux.putArray("maskedPaths");
        List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware").forEach(masked::add);
        ArrayNode ro = linux.putArray("readonlyPaths");
        List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger").forEach(ro::add);
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
        ObjectNode o = mounts.addObject();
        o.put("destination", dest);
        o.put("type", type);
        o.put("source", source);
        ArrayNode a = o.putArray("options");
        options.forEach(a::add);
    }
}
