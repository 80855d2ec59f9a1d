package dev.strata.cli;

import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.error.StrataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata build}: reads the Dockerfile and plans the build; {@code --print} shows the plan.
 * The options are package-private so the build engine's code in this package can read them.
 */
@Command(name = "build", description = "Build an image from a Dockerfile and a context directory.")
public final class BuildCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Dockerfile (default: CONTEXT/Dockerfile)")
    Path file;

    @Option(names = "--build-arg", paramLabel = "NAME[=VALUE]",
            description = "build argument (repeatable); NAME alone takes the value from the environment")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "build this stage (default: the last)")
    String target;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "target platform (default: the host's)")
    String platform;

    @Option(names = "--print", paramLabel = "outline|plan",
            description = "print the stages (outline) or every expanded step (plan) and exit without building")
    String print;

    @Option(names = "--format", paramLabel = "text|json", description = "output format of --print (default: text)")
    String format = "text";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTEXT", description = "build context directory (default: .)")
    String context = ".";

    @Override
    public Integer call() {
        if (print != null && !print.equals("outline") && !print.equals("plan")) {
            throw StrataException.input("--print must be outline or plan, not \"" + print + "\"");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw StrataException.input("--format must be text or json, not \"" + format + "\"");
        }
        if (print != null) {
            new PlanPrinter(plan()).print(print, format, spec.commandLine().getOut());
            return 0;
        }
        return runBuild();
    }

    /** The Dockerfile this build reads: {@code -f}, else {@code CONTEXT/Dockerfile}. */
    Path dockerfilePath() {
        return BuildArgs.dockerfile(Optional.ofNullable(file), context);
    }

    /** Build args, target and platforms as the Dockerfile frontend takes them. */
    BuildOptions buildOptions() {
        BuildOptions options = BuildOptions.of(BuildArgs.parse(buildArgs, System::getenv), Optional.ofNullable(target));
        if (platform != null) {
            if (platform.contains(",")) {
                throw StrataException.input("--platform takes one platform (os/arch[/variant]), not \"" + platform + "\"");
            }
            options = options.withTargetPlatform(platform);
        }
        return options;
    }

    /** Parses the Dockerfile and resolves the stages the build needs. */
    BuildPlan plan() {
        return Dockerfile.read(dockerfilePath()).resolve(buildOptions());
    }

    /** Runs the build; the build engine replaces this. */
    int runBuild() {
        throw StrataException.environment(
                "strata build: the build engine is not in this version yet; use --print=plan to see the plan");
    }
}
