package dev.strata.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Test helpers: running a shell line on a rootfs and checking that nothing leaked. */
final class Steps {
    private Steps() {
    }

    /** The output and result of one step. */
    record Ran(RunResult result, List<String> lines) {
        int exit() {
            return result.exitCode();
        }

        List<Path> upperFiles() {
            try (Stream<Path> s = Files.walk(result.upperDir())) {
                return s.filter(p -> !p.equals(result.upperDir())).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static RunRequest.Builder sh(String script, Path workRoot, List<Path> lowers) {
        return RunRequest.builder(List.of("/bin/sh", "-c", script), workRoot).lowerDirs(lowers);
    }

    static Ran run(Isolation isolation, RunRequest.Builder b) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        RunExecutor ex = RunExecutors.probe(Optional.of(isolation));
        RunResult r = ex.run(b.output(lines::add).build());
        return new Ran(r, lines);
    }

    /** Overlay mounts, runtime state, cgroups or scratch dirs of strata still present. */
    static List<String> leaks(Path workRoot) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (line.contains(workRoot.toString()) || line.contains("strata-run-")) {
                out.add("mount: " + line);
            }
        }
        for (String dir : List.of("/run/crun", "/run/runc")) {
            Path d = Path.of(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.getFileName().toString().startsWith("strata-"))
                            .forEach(p -> out.add("state: " + p));
                }
            }
        }
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 4)) {
            s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith("strata-"))
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
}
