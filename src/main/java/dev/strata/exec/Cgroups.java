package dev.strata.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** Removes a container's cgroup dirs that a killed runtime left behind. */
final class Cgroups {
    private Cgroups() {}

    /** The cgroup dirs named {@code id} below this process's cgroups, in every hierarchy. */
    static Set<Path> of(String id) {
        Set<Path> out = new LinkedHashSet<>();
        Set<String> own = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                int c = line.indexOf(':', line.indexOf(':') + 1);
                if (c > 0) {
                    own.add(line.substring(c + 1));
                }
            }
        } catch (IOException e) {
            return out;
        }
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                for (String path : own) {
                    Path p = Path.of(h.toString(), path, id);
                    if (Files.isDirectory(p)) {
                        out.add(p);
                    }
                }
                if (Files.isDirectory(h.resolve(id))) {
                    out.add(h.resolve(id));
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    static void remove(String id) {
        for (Path p : of(id)) {
            try {
                Files.deleteIfExists(p); // rmdir: a cgroup dir with no tasks left
            } catch (IOException e) {
                // still busy or already gone
            }
        }
    }
}
