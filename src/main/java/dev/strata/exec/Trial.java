package dev.strata.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small experiment on this machine (make a namespace, mount an overlay): the only reliable answer
 * to "is this allowed here", since seccomp profiles, LSMs and sysctls all have a say.
 *
 * @param exitCode the command's exit (127 when it could not start, 124 on timeout)
 * @param output   its stdout and stderr, trimmed
 */
record Trial(int exitCode, String output) {

    boolean ok() {
        return exitCode == 0;
    }

    /** The first line of the output, or the exit code when there is none. */
    String why() {
        String first = output.lines().findFirst().orElse("").strip();
        return first.isEmpty() ? "exit " + exitCode : first;
    }

    static Trial run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Trial(124, "timed out: " + String.join(" ", command));
            }
            return new Trial(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Trial(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Trial(130, "interrupted");
        }
    }
}
