package dev.strata.cli;

import dev.strata.cache.CacheOptions;
import dev.strata.cache.CacheSpec;
import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.engine.BuildRequest;
import dev.strata.engine.BuildResult;
import dev.strata.engine.Engine;
import dev.strata.engine.OutputSpec;
import dev.strata.engine.RegistryAccess;
import dev.strata.error.StrataException;
import dev.strata.exec.Isolation;
import dev.strata.oci.Reference;
import dev.strata.progress.ProgressListener;
import dev.strata.progress.TransferMeter;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * {@code strata build}: builds the Dockerfile into the local store ({@code --print} only shows the plan).
 * The options are package-private so the build engine's code in this package can read them.
 */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = "Build an image from a Dockerfile and a context directory.",
        footer = {
            "",
            "Examples:",
            "  strata build -t app:dev .",
            "      build ./Dockerfile into the local store, tagged app:dev",
            "  strata build --cache-from REG/app:buildcache \\",
            "      --cache-to type=registry,ref=REG/app:buildcache,mode=max -t REG/app:latest --push .",
            "      a CI job on an empty runner: every unchanged step comes from the registry cache",
            "  strata build --cache-to type=local,dest=/ci-cache --cache-from type=local,src=/ci-cache .",
            "      keep the cache in a directory the CI system saves between jobs",
            "  strata build --progress=plain --cache-report cache.json -t app:dev .",
            "      plain log lines, and what was cached and why each other step missed as JSON",
            "  strata build -f - . < Dockerfile.ci",
            "      read the Dockerfile from stdin",
            "See docs/build.md, docs/cache.md and docs/migrating.md."
        })
public final class BuildCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)")
    Path file;

    /** A Dockerfile given on stdin ({@code -f -}), kept in a temp file for the build's lifetime. */
    private Path fromStdin;

    @Option(
            names = "--build-arg",
            paramLabel = "NAME[=VALUE]",
            description = "build argument (repeatable); NAME alone takes the value from the environment")
    List<String> buildArgs = new ArrayList<>();

    @Option(
            names = {"-q", "--quiet"},
            description = "print only the image ID (on stdout); the progress only if the build fails")
    boolean quiet;

    @Option(
            names = "--label",
            paramLabel = "KEY=VALUE",
            description = "set a label on the image (repeatable; over the Dockerfile's LABEL of that key)")
    List<String> labels = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "build this stage (default: the last)")
    String target;

    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            description = "target platform (default: the host's)")
    String platform;

    @Option(
            names = "--print",
            paramLabel = "outline|plan",
            description = "print the stages (outline) or every expanded step (plan) and exit without building")
    String print;

    @Option(names = "--format", paramLabel = "text|json", description = "output format of --print (default: text)")
    String format = "text";

    @Option(
            names = {"-t", "--tag"},
            paramLabel = "NAME[:TAG]",
            description = "tag the image in the local store (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--progress", paramLabel = "auto|plain|tty|json", description = "progress output (default: auto)")
    String progress = "auto";

    @Option(
            names = "--isolation",
            paramLabel = "crun|runc|chroot",
            description = "how RUN steps are isolated (default: probe crun, runc, chroot)")
    String isolation;

    @Option(names = "--network", paramLabel = "host|none", description = "network of RUN steps (default: host)")
    String network = "host";

    @Option(
            names = "--secret",
            paramLabel = "id=ID,src=FILE|env=VAR",
            description = "secret for RUN --mount=type=secret (repeatable)")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--no-cache", description = "run every step; the cache is still updated")
    boolean noCache;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "type=oci|docker,dest=PATH",
            description = "also export the image (repeatable)")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--iidfile", paramLabel = "FILE", description = "write the image ID (config digest) to FILE")
    Path iidFile;

    @Option(
            names = "--metadata-file",
            paramLabel = "FILE",
            description = "write digests and per-step results as JSON to FILE")
    Path metadataFile;

    @Option(
            names = "--cache-report",
            paramLabel = "FILE",
            description = "write what was taken from cache and why each other step missed as JSON to FILE")
    Path cacheReport;

    @Option(
            names = "--cache-from",
            paramLabel = "type=registry,ref=REF|type=local,src=DIR|REF",
            description = "also look step results up in this cache, after the local store (repeatable, in order);"
                    + " a missing or unreadable cache is a warning")
    List<String> cacheFrom = new ArrayList<>();

    @Option(
            names = "--cache-to",
            paramLabel =
                    "type=registry,ref=REF|type=local,dest=DIR|type=inline[,mode=min|max][,max-age=14d][,max-size=10g]",
            description = "export every step's record (hits included) to this cache after the build (repeatable),"
                    + " merged with the records already there; mode=min (default): the image's steps, mode=max:"
                    + " every stage's; type=inline (with --push, or --build-arg BUILDKIT_INLINE_CACHE=1, mode=max"
                    + " by default) attaches it to the pushed image, read back by --cache-from IMAGE; records"
                    + " unused for max-age or beyond max-size go, the least recently used first")
    List<String> cacheTo = new ArrayList<>();

    @Option(names = "--push", description = "push the image to every -t reference after building it")
    boolean push;

    @Option(
            names = "--pull",
            description = "look up every FROM image in its registry even when the local store has the tag")
    boolean pull;

    @picocli.CommandLine.Mixin
    RegistryFlags registryFlags = new RegistryFlags();

    @picocli.CommandLine.Mixin
    RunFlags runFlags = new RunFlags();

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CONTEXT",
            description = "build context directory (default: .)")
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

    /** The Dockerfile this build reads: {@code -f}, else {@code CONTEXT/Dockerfile}; {@code -f -} is stdin. */
    Path dockerfilePath() {
        if (file != null && file.toString().equals("-")) {
            if (fromStdin == null) {
                fromStdin = BuildArgs.stdinDockerfile(System.in);
            }
            return fromStdin;
        }
        return BuildArgs.dockerfile(Optional.ofNullable(file), context);
    }

    /** Build args, target and platforms as the Dockerfile frontend takes them. */
    BuildOptions buildOptions() {
        BuildOptions options = BuildOptions.of(BuildArgs.parse(buildArgs, System::getenv), Optional.ofNullable(target))
                .withLabels(BuildFlags.labels(labels));
        if (platform != null) {
            if (platform.contains(",")) {
                throw StrataException.input(
                        "--platform takes one platform (os/arch[/variant]), not \"" + platform + "\"");
            }
            options = options.withTargetPlatform(platform);
        }
        return options;
    }

    /** Parses the Dockerfile and resolves the stages the build needs. */
    BuildPlan plan() {
        return Dockerfile.read(dockerfilePath()).resolve(buildOptions());
    }

    /**
     * {@code --cache-from} and {@code --cache-to}; an inline cache (also asked for by docker's
     * {@code --build-arg BUILDKIT_INLINE_CACHE=1}) is one export per pushed {@code -t} reference.
     */
    CacheOptions cacheOptions() {
        List<CacheSpec> to = new ArrayList<>();
        boolean inline = false;
        for (String value : cacheTo) {
            CacheSpec spec = CacheSpec.parseTo(value);
            if (spec.type() != CacheSpec.Type.INLINE) {
                to.add(spec);
                continue;
            }
            if (!push) {
                throw StrataException.input(
                        "--cache-to " + value + ": an inline cache is stored beside the pushed image;"
                                + " add --push and -t REGISTRY/REPO:TAG, or use type=registry,ref=REGISTRY/REPO:TAG");
            }
            inline = true;
            tags.forEach(t -> to.add(spec.forImage(t)));
        }
        if (push && !inline && "1".equals(buildOptions().buildArgs().get("BUILDKIT_INLINE_CACHE"))) {
            CacheSpec spec = CacheSpec.parseTo("type=inline");
            tags.forEach(t -> to.add(spec.forImage(t)));
        }
        return new CacheOptions(cacheFrom.stream().map(CacheSpec::parseFrom).toList(), to);
    }

    /** Runs the build into the local store and writes the requested outputs. */
    int runBuild() {
        BuildRequest.Builder request = BuildRequest.builder(Path.of(context))
                .dockerfile(dockerfilePath())
                .options(buildOptions())
                .tags(tags)
                .outputs(outputs.stream().map(OutputSpec::parse).toList())
                .noCache(noCache)
                .cache(cacheOptions())
                .isolation(Optional.ofNullable(isolation))
                .network(BuildFlags.network(network))
                .container(runFlags.options())
                .sshAgents(runFlags.sshAgents(System::getenv))
                .secrets(BuildFlags.secrets(secrets, System::getenv))
                .sourceDateEpoch(BuildFlags.sourceDateEpoch(
                        Optional.ofNullable(buildOptions().buildArgs().get("SOURCE_DATE_EPOCH"))
                                .orElse(System.getenv("SOURCE_DATE_EPOCH"))));
        Optional.ofNullable(isolation).ifPresent(Isolation::parse); // unknown: exit 2 before any work
        for (String t : tags) {
            Reference.parse(t);
        }
        if (push) {
            BuildPush.check(tags);
        }
        RegistryClient registryClient = RegistryClient.create(registryFlags.options());
        BuildRequest req =
                request.registry(new RegistryAccess(registryClient, pull)).build();
        PrintWriter err = spec.commandLine().getErr();
        runFlags.warnIgnored(err);
        // --quiet keeps the plain progress aside and shows it only if the build fails (a RUN's output)
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        PrintStream stream = quiet
                ? new PrintStream(held, true, StandardCharsets.UTF_8)
                : new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
        ProgressListener renderer =
                BuildFlags.renderer(quiet ? "plain" : progress, stream, !quiet && System.console() != null);
        DoneLast listener = new DoneLast(renderer);
        Store store = Store.open(StoreHome.resolve());
        BuildResult result;
        try {
            result = Engine.build(req, store, listener);
        } catch (RuntimeException e) {
            if (quiet) {
                err.print(held.toString(StandardCharsets.UTF_8));
                err.flush();
            }
            throw e;
        }
        stream.flush();
        if (iidFile != null) {
            Engine.writeIidFile(result, iidFile);
        }
        if (metadataFile != null) {
            Engine.writeMetadataFile(result, tags, metadataFile);
        }
        if (cacheReport != null) {
            Engine.writeCacheReport(result, cacheReport);
        }
        boolean chatty = !quiet && !progress.equals("json");
        if (chatty) {
            err.println("writing image " + result.configDigest() + " (manifest "
                    + result.manifest().digest() + ")");
            for (String t : tags) {
                err.println("naming to " + Reference.parse(t));
            }
            err.flush();
        }
        // after the image is stored and named: a failed push leaves a good local image behind
        if (push) {
            BuildPush.push(
                    result,
                    tags,
                    store,
                    registryClient,
                    new TransferMeter(renderer),
                    chatty ? Optional.of(err) : Optional.empty());
        }
        listener.release();
        stream.flush();
        if (quiet) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(result.configDigest());
            out.flush();
        }
        return 0;
    }
}
