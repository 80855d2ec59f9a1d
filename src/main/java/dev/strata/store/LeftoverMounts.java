package dev.strata.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts below a store's tmp/: a build reads a stage of several layers through a read-only overlay
 * under its scratch dir, mounted in the host's namespace; a build killed with SIGKILL cannot unmount
 * it. Prune unmounts those whose mount point names a dead writer ({@link TempNames}) and never
 * deletes a tree with a mount below it (that would fail on the read-only view, every time).
 */
final class LeftoverMounts {
    private LeftoverMounts() {}

    /** The mount points below {@code dir}, from /proc/self/mountinfo. */
    static List<Path> below(Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                Path mp = Path.of(unescape(f[4]));
                if (mp.startsWith(root) && !mp.equals(root)) {
                    out.add(mp);
                }
            }
        }
        return out;
    }

    /** Lazily unmounts the mounts below {@code dir} whose mount point carries a dead writer's pid. */
    static void unmountDead(Path dir) throws IOException {
        for (Path mp : below(dir)) {
            if (TempNames.writerGone(mp.getFileName().toString())) {
                try {
                    new ProcessBuilder("umount", "-l", mp.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
