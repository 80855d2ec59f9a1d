package dev.strata.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finding the moment a build's RUN step runs, and the mounts a build may leave. */
final class RunningStep {
    private RunningStep() {}

    /** Waits (at most a minute) until the RUN step's {@code sleep NAP} runs. */
    static void await(StrataProcess p, String nap) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sleeps(nap).isEmpty()) {
            if (!p.process.isAlive() || System.nanoTime() > deadline) {
                p.process.destroyForcibly();
                throw new AssertionError("the RUN step did not start: " + p.output());
            }
            Thread.sleep(10);
        }
    }

    /**
     * The processes running {@code sleep NAP}, read from /proc: ProcessHandle's command line is empty
     * for a process whose executable lies in a container's root.
     */
    static List<ProcessHandle> sleeps(String nap) {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdline(p).equals("sleep " + nap))
                    .flatMap(
                            p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())).stream())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cmdline(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .strip();
        } catch (IOException e) {
            return ""; // gone meanwhile
        }
    }

    /** Lines of /proc/self/mountinfo naming a path under {@code dir} (or a RUN scratch dir anywhere). */
    static List<String> mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(dir.toString()) || l.contains("strata-run-"))
                .toList();
    }
}
