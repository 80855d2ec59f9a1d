package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link EnvironmentProbe} answered by this machine's /proc and PATH. */
final class SystemProbe implements EnvironmentProbe {
    private final List<String> searchPath;

    /** Searches $PATH and the usual bin and sbin dirs. */
    SystemProbe() {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        this.searchPath = List.copyOf(dirs);
    }

    /** Searches only {@code searchPath} for executables (tests give a fake PATH). */
    SystemProbe(List<String> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    @Override
    public boolean mountNamespaces() {
        return executable("unshare").isPresent()
                && Trial.run(List.of(executable("unshare").get().toString(), "-m", "true"))
                        .ok();
    }

    @Override
    public boolean canChroot() {
        return ProcessIdentity.current().has(ProcessIdentity.CAP_SYS_CHROOT);
    }

    @Override
    public boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    @Override
    public Optional<Path> executable(String name) {
        for (String d : searchPath) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean overlaySupported() {
        if (filesystems().contains("overlay")) {
            return true;
        }
        // the module may simply not be loaded yet
        try {
            new ProcessBuilder("modprobe", "overlay")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return filesystems().contains("overlay");
    }

    @Override
    public Optional<String> overlayRefused(Path workDir) {
        Optional<Path> unshare = executable("unshare");
        if (unshare.isEmpty()) {
            return Optional.of("unshare not found on PATH");
        }
        return OverlayTrial.refused(
                workDir,
                List.of(unshare.get().toString(), "-m"),
                UserNamespace.current().nested());
    }

    @Override
    public boolean hybridCgroups() {
        try {
            boolean v1 = false;
            boolean unified = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length < 3) {
                    continue;
                }
                v1 |= f[2].equals("cgroup");
                unified |= f[2].equals("cgroup2") && f[1].equals("/sys/fs/cgroup/unified");
            }
            return v1 && unified;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> filesystems() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/filesystems"))) {
                String[] f = line.trim().split("\\s+");
                out.add(f[f.length - 1]);
            }
        } catch (IOException e) {
            // no /proc: nothing is known to be supported
        }
        return out;
    }
}
