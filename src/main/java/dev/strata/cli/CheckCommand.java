package dev.strata.cli;

import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.DockerfileException;
import dev.strata.dockerfile.Warning;
import dev.strata.error.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata check}: parses and lints a Dockerfile like {@code docker build --check}. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check a Dockerfile: syntax errors and lint warnings (like docker build --check).",
            "Prints file:line:col: severity: message; exit 0 when it can build, 2 on errors",
            "(or on warnings with '# check=error=true')."
        })
public final class CheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Dockerfile (default: CONTEXT/Dockerfile)")
    Path file;

    @Option(names = "--build-arg", paramLabel = "NAME[=VALUE]", description = "build argument (repeatable)")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "stage to check the build of")
    String target;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "target platform (default: the host's)")
    String platform;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTEXT", description = "build context (default: .)")
    String context = ".";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path path = BuildArgs.dockerfile(Optional.ofNullable(file), context);
        BuildOptions options = BuildOptions.of(BuildArgs.parse(buildArgs, System::getenv), Optional.ofNullable(target));
        if (platform != null) {
            options = options.withTargetPlatform(platform);
        }
        BuildPlan plan;
        Dockerfile df;
        try {
            df = Dockerfile.read(path);
            plan = df.resolve(options);
        } catch (DockerfileException e) {
            out.println(e.position() + ": error: " + e.detail());
            out.flush();
            return ExitCode.INPUT.code();
        }
        List<Warning> warnings = plan.warnings();
        for (Warning w : warnings) {
            out.println(w);
        }
        for (String unused : plan.unusedBuildArgs()) {
            out.println(path + ": warning: build argument " + unused + " is not used by any ARG");
        }
        if (warnings.isEmpty() && plan.unusedBuildArgs().isEmpty()) {
            out.println(path + ": no problems found (" + df.stages().size() + " stage"
                    + (df.stages().size() == 1 ? "" : "s") + ")");
        } else {
            out.println(path + ": " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s"));
        }
        out.flush();
        return df.directives().checkErrors() && !warnings.isEmpty() ? ExitCode.INPUT.code() : ExitCode.OK.code();
    }
}
