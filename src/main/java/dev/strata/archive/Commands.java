package dev.strata.archive;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the few external tools (mknod, setfattr) that the JDK cannot replace. */
final class Commands {
    private Commands() {}

    static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw StrataException.environment("extracting " + what + ": '" + String.join(" ", cmd) + "' failed: "
                        + out + " (extraction of devices and whiteouts needs root)");
            }
        } catch (IOException e) {
            throw StrataException.environment(
                    "extracting " + what + ": cannot run " + cmd.get(0) + " (install coreutils/attr): "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while extracting " + what);
        }
    }
}
