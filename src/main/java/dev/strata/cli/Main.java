package dev.strata.cli;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code strata} command: subcommands, and the mapping of failures to exit codes. */
@Command(
        name = "strata",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Daemonless Dockerfile to OCI image builder with a registry-backed layer cache.",
        subcommands = {
            // one line per command; keep sorted
            BuildCommand.class,
            CacheCommand.class,
            CheckCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class,
            CopyCommand.class,
            DoctorCommand.class,
            ImagesCommand.class,
            ImportCommand.class,
            InspectCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            PruneCommand.class,
            PullCommand.class,
            PushCommand.class,
            RmiCommand.class,
            SaveCommand.class,
            TagCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see strata --help)");
    }

    public static void main(String[] args) {
        PrintWriter stderr = new PrintWriter(System.err, true);
        Optional<Integer> relaunched = RootlessLaunch.relaunch(args, stderr);
        if (relaunched.isPresent()) {
            System.exit(relaunched.get());
        }
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        wakeHttpSelectors();
        System.exit(code);
    }

    /**
     * HotSpot's exit waits up to 300 ms for threads blocked in native code, and the JDK 17 HttpClient
     * leaves its selector thread in epoll with no way to close it (HttpClient.close() is JDK 21).
     * Waking it before exiting takes that 300 ms off every command that talked to a registry.
     */
    static void wakeHttpSelectors() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isDaemon()
                    && t.getName().startsWith("HttpClient-")
                    && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
            }
        }
    }

    /** Runs strata with the given arguments and streams; returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(Main::exitCodeOf);
        cli.setParameterExceptionHandler((ex, args) -> {
            err.println("strata: " + ex.getMessage());
            err.flush();
            return ExitCode.INPUT.code();
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println("strata: error: " + messageOf(ex));
            err.flush();
            return exitCodeOf(ex);
        });
        return cli;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof StrataException se) {
            return se.exitCode().code();
        }
        if (ex instanceof CommandLine.ParameterException) {
            return ExitCode.INPUT.code();
        }
        if (ex instanceof OutOfMemoryError || ex instanceof UncheckedIOException) {
            return ExitCode.ENVIRONMENT.code();
        }
        return ExitCode.STEP_FAILED.code();
    }

    private static String messageOf(Throwable ex) {
        if (ex instanceof StrataException) {
            return ex.getMessage();
        }
        // An unexpected failure is a bug in strata: say so, with enough to report it.
        return "internal error (" + ex.getClass().getName() + "): " + ex.getMessage()
                + "\nThis is a bug in strata; please report it with the command you ran.";
    }
}
