package dev.strata.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Answers from /proc/self/mounts: a path's file system type, and which cgroup layout this is. */
final class MountTable {
    private MountTable() {}

    /** The type of the file system holding {@code path} (the longest mount point above it). */
    static String fsType(Path path) {
        String abs = path.toAbsolutePath().normalize().toString();
        String best = "";
        String type = "unknown";
        for (String[] m : mounts()) {
            String point = m[1];
            boolean above = abs.equals(point) || point.equals("/") || abs.startsWith(point + "/");
            if (above && point.length() >= best.length()) {
                best = point;
                type = m[2];
            }
        }
        return type;
    }

    /** "cgroup v2", "cgroup v1" or "cgroup v1 and v2 (hybrid)". */
    static String cgroupKind() {
        boolean v1 = false;
        boolean v2root = false;
        boolean v2any = false;
        for (String[] m : mounts()) {
            v1 |= m[2].equals("cgroup");
            v2any |= m[2].equals("cgroup2");
            v2root |= m[2].equals("cgroup2") && m[1].equals("/sys/fs/cgroup");
        }
        if (v2root) {
            return "cgroup v2";
        }
        return v1 && v2any ? "cgroup v1 and v2 (hybrid)" : v1 ? "cgroup v1" : "no cgroup file system";
    }

    private static List<String[]> mounts() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" "))
                    .filter(f -> f.length >= 3)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
