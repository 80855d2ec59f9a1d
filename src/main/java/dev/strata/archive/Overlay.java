package dev.strata.archive;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes overlayfs whiteouts in batches: they are rare, so a few external calls are cheap. */
final class Overlay {
    private static final int BATCH = 200;

    private Overlay() {}

    static void writeWhiteouts(List<Path> whiteouts, List<Path> opaqueDirs, String what) {
        // mknod takes one name at a time; a shell loop batches many into one process
        for (int i = 0; i < whiteouts.size(); i += BATCH) {
            List<String> cmd =
                    new ArrayList<>(List.of("sh", "-c", "for p; do mknod -m 0 \"$p\" c 0 0 || exit 1; done", "sh"));
            whiteouts.subList(i, Math.min(whiteouts.size(), i + BATCH)).forEach(p -> cmd.add(p.toString()));
            Commands.run(cmd, what);
        }
        for (int i = 0; i < opaqueDirs.size(); i += BATCH) {
            List<String> cmd = new ArrayList<>(
                    List.of("setfattr", "-n", UserNamespace.current().overlayXattr("opaque"), "-v", "y"));
            opaqueDirs.subList(i, Math.min(opaqueDirs.size(), i + BATCH)).forEach(p -> cmd.add(p.toString()));
            Commands.run(cmd, what);
        }
    }
}
