package dev.strata.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What strata's RUN steps may leave behind: overlay mounts, runtime state, cgroups, scratch dirs.
 * Runtime state and cgroups are machine-wide: only those named with {@code workRoot}'s owner prefix
 * ({@link ContainerIds}) count, so other test runs' steps on the machine are not ours. Even so, only
 * entries still there two seconds later count, and a cgroup with live processes belongs to a step
 * that is still running.
 */
public final class Leaks {
    private Leaks() {}

    /** The leftovers; {@code workRoot} must be empty (or absent) too. */
    public static List<String> of(Path workRoot) throws IOException {
        List<String> first = scan(workRoot);
        if (first.isEmpty()) {
            return first;
        }
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> again = scan(workRoot);
        again.retainAll(first);
        return again;
    }

    /** Processes whose command line contains {@code command}. */
    public static List<ProcessHandle> processes(String command) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(command))
                .toList();
    }

    private static List<String> scan(Path workRoot) throws IOException {
        List<String> out = new ArrayList<>();
        String ours = ContainerIds.prefix(workRoot);
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (line.contains(workRoot.toAbsolutePath().toString())) {
                out.add("mount: " + line);
            }
        }
        for (String dir : List.of("/run/crun", "/run/runc")) {
            Path d = Path.of(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.getFileName().toString().startsWith(ours)).forEach(p -> out.add("state: " + p));
                }
            }
        }
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 4)) {
            s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith(ours))
                    .filter(p -> !running(p))
                    .forEach(p -> out.add("cgroup: " + p));
        } catch (IOException | UncheckedIOException e) {
            // unreadable parts of the hierarchy hold nothing of ours
        }
        if (Files.isDirectory(workRoot)) {
            try (Stream<Path> s = Files.list(workRoot)) {
                s.forEach(p -> out.add("scratch: " + p));
            }
        }
        return out;
    }

    private static boolean running(Path cgroup) {
        try {
            return !Files.readString(cgroup.resolve("cgroup.procs")).isBlank();
        } catch (IOException e) {
            return false;
        }
    }
}
