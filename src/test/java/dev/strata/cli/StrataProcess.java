package dev.strata.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * strata as a user runs it: {@code dev.strata.cli.Main} in a child JVM on one STRATA_HOME, with its
 * output in a file (a pipe nobody reads could stall it), and the signals a user or CI sends it.
 */
final class StrataProcess {
    /** How a run ended: exit code and stdout+stderr. */
    record Result(int code, String out) {}

    /** SIGINT is Ctrl-C, SIGTERM a CI cancel, SIGKILL an OOM killer or `kill -9`. */
    enum Signal {
        INT,
        TERM,
        KILL
    }

    final Process process;
    private final Path log;

    private StrataProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static StrataProcess start(Path home, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(Arrays.asList(args));
        Files.createDirectories(home);
        Path log = home.resolveSibling(home.getFileName() + "-" + UUID.randomUUID() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment().remove("SOURCE_DATE_EPOCH");
        pb.environment().remove("DOCKER_CONFIG");
        pb.environment()
                .put("REGISTRY_AUTH_FILE", home.resolveSibling("no-auth.json").toString());
        return new StrataProcess(pb.start(), log);
    }

    /** Runs strata to its end (at most two minutes). */
    static Result run(Path home, String... args) throws Exception {
        StrataProcess p = start(home, args);
        return p.await(120);
    }

    /** Waits for the end; the log file (beside the store, so perhaps right in /tmp) goes once read. */
    Result await(int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("strata did not end within " + seconds + " s: " + takeOutput());
        }
        return new Result(process.exitValue(), takeOutput());
    }

    private String takeOutput() throws IOException {
        String out = output();
        Files.deleteIfExists(log);
        return out;
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Sends {@code signal} (with kill(1): the JDK sends only TERM and KILL) and waits for the exit. */
    Result stop(Signal signal) throws Exception {
        // kill fails when strata ended just before: that is one of the points too
        Process k = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(process.pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (k.waitFor() != 0 && process.isAlive()) {
            throw new AssertionError("kill -s " + signal + " failed");
        }
        // shutdown hooks kill the RUN command and delete scratch dirs: give them time, never forever
        return await(30);
    }
}
