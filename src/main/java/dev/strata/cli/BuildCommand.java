package dev.strata.cli;

import dev.strata.cache.CacheOptions;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.TtlPolicy;
import dev.strata.context.RemoteContext;
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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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

    /** An {@code --output ...,dest=-}: written to a temp file, then to stdout once the build is done. */
    private final StdoutOutput stdoutOutputs = new StdoutOutput();

    /** A context given as -, a tarball URL or a git URL, fetched for the build's lifetime. */
    private Optional<RemoteContext> remote = Optional.empty();

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

    @Option(
            names = "--build-context",
            paramLabel = "NAME=DIR|docker-image://REF|oci-layout://DIR[:TAG]",
            description =
                    "a named context for COPY --from=NAME, FROM NAME and RUN --mount=from=NAME, over a stage of that name (repeatable)")
    List<String> buildContexts = new ArrayList<>();

    @Option(
            names = "--annotation",
            paramLabel = "[manifest:]KEY=VALUE",
            description = "set an annotation on the image manifest (repeatable; in no cache key)")
    List<String> annotations = new ArrayList<>();

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

    @Option(
            names = "--progress",
            paramLabel = "auto|plain|tty|json|quiet",
            description = "progress output (default: auto; quiet is -q)")
    String progress = "auto";

    @Option(
            names = "--isolation",
            paramLabel = "crun|runc|chroot|none|default",
            description = "how RUN steps are isolated (default: crun, runc, chroot; none where no namespace can"
                    + " be made, see docs/exec.md)")
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
            names = "--no-cache-filter",
            paramLabel = "STAGE[,STAGE]",
            split = ",",
            description = "run the steps of these stages without looking them up; other stages still hit (repeatable)")
    List<String> noCacheFilter = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "type=oci|docker|local|tar,dest=PATH|-",
            description = "also export the image (repeatable): an OCI layout or archive, a docker load tar,"
                    + " the final filesystem into a directory (local) or as a tar; dest=- (or -o - alone) is stdout")
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
                    "type=registry,ref=REF|type=local,dest=DIR|type=inline[,mode=min|max][,max-age=14d][,max-size=10g]"
                            + "[,cache-mounts=true|ID,ID...][,cache-mounts-max-size=1g]",
            description = "export every step's record (hits included) to this cache after the build (repeatable),"
                    + " merged with the records already there; mode=min (default): the image's steps, mode=max:"
                    + " every stage's; type=inline (with --push, or --build-arg BUILDKIT_INLINE_CACHE=1, mode=max"
                    + " by default) attaches it to the pushed image, read back by --cache-from IMAGE; records"
                    + " unused for max-age or beyond max-size go, the least recently used first; cache-mounts=true"
                    + " (or =ID,ID) also carries the RUN --mount=type=cache directories the build ran with, each its"
                    + " own blob, restored by --cache-from before the first RUN using it that misses")
    List<String> cacheTo = new ArrayList<>();

    @Option(
            names = "--cache-ttl",
            paramLabel = "DUR|STAGE=DUR",
            description = "a RUN's cache record older than DUR (30m, 24h, 7d) counts as a miss and the step runs"
                    + " again; STAGE=DUR for the RUNs of one stage (repeatable); a # strata:ttl=DUR comment above"
                    + " a step wins")
    List<String> cacheTtl = new ArrayList<>();

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

    @picocli.CommandLine.Mixin
    DockerOnlyFlags dockerOnly = new DockerOnlyFlags();

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CONTEXT",
            description = "build context: a directory (default: .), - (a tar or a Dockerfile on stdin), an http(s)"
                    + " URL of a tarball, or a git URL (URL.git#REF:DIR, git://, file://) fetched with git")
    String context = ".";

    @Override
    public Integer call() {
        dockerOnly.refuse();
        if ("quiet".equals(progress)) {
            // buildx's --progress=quiet is -q
            quiet = true;
            progress = "plain";
        } else if ("rawjson".equals(progress)) {
            throw StrataException.input("--progress=rawjson (BuildKit's solve status) is not supported:"
                    + " use --progress=json, one strata event per line (docs/progress.md)");
        }
        if ("default".equals(isolation)) {
            isolation = null; // docker's default: strata probes crun, runc, chroot
        } else if ("process".equals(isolation) || "hyperv".equals(isolation)) {
            throw StrataException.input("--isolation=" + isolation + " is not supported: it is a Windows container"
                    + " isolation; use crun, runc, chroot or default");
        }
        if (print != null && !print.equals("outline") && !print.equals("plan")) {
            throw StrataException.input("--print must be outline or plan, not \"" + print + "\"");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw StrataException.input("--format must be text or json, not \"" + format + "\"");
        }
        if (!RemoteContext.isRemote(context)) {
            return printOrBuild();
        }
        if (context.equals("-") && file != null && file.toString().equals("-")) {
            throw StrataException.input("the context and -f cannot both be read from stdin (-); give -f a file");
        }
        try (RemoteContext fetched = RemoteContext.fetch(context, System.in)) {
            remote = Optional.of(fetched);
            return printOrBuild();
        } finally {
            remote = Optional.empty();
        }
    }

    private int printOrBuild() {
        if (print != null) {
            new PlanPrinter(plan()).print(print, format, spec.commandLine().getOut());
            return 0;
        }
        return runBuild();
    }

    /** The context directory: CONTEXT, or where a remote context (-, URL, git) was fetched to. */
    Path contextDir() {
        return remote.map(RemoteContext::dir).orElseGet(() -> Path.of(context));
    }

    /** The Dockerfile this build reads: {@code -f}, else {@code CONTEXT/Dockerfile}; {@code -f -} is stdin. */
    Path dockerfilePath() {
        if (file != null && file.toString().equals("-")) {
            if (fromStdin == null) {
                fromStdin = BuildArgs.stdinDockerfile(System.in);
            }
            return fromStdin;
        }
        if (remote.isPresent()) {
            // as docker: -f names a file inside a remote context; a lone Dockerfile is the Dockerfile
            RemoteContext r = remote.get();
            return file != null
                    ? r.dir().resolve(file.toString()).normalize()
                    : r.dockerfile().orElseGet(() -> r.dir().resolve("Dockerfile"));
        }
        return BuildArgs.dockerfile(Optional.ofNullable(file), context);
    }

    /** Build args, target and platforms as the Dockerfile frontend takes them. */
    BuildOptions buildOptions() {
        BuildOptions options = BuildOptions.of(BuildArgs.parse(buildArgs, System::getenv), Optional.ofNullable(target))
                .withLabels(BuildFlags.labels(labels))
                .withNamedContexts(BuildFlags.buildContexts(buildContexts));
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
        return new CacheOptions(cacheFrom.stream().map(CacheSpec::parseFrom).toList(), to)
                .withTtls(TtlPolicy.parse(cacheTtl));
    }

    /** Runs the build into the local store and writes the requested outputs. */
    int runBuild() {
        BuildRequest.Builder request = BuildRequest.builder(contextDir())
                .dockerfile(dockerfilePath())
                .options(buildOptions())
                .tags(tags)
                .annotations(BuildFlags.annotations(annotations))
                .outputs(stdoutOutputs.resolve(
                        outputs.stream().map(OutputSpec::parse).toList()))
                .noCache(noCache)
                .noCacheFilter(noCacheFilter.stream()
                        .map(n -> n.strip().toLowerCase(Locale.ROOT))
                        .collect(Collectors.toSet()))
                .push(push)
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
        stdoutOutputs.copyTo(System.out);
        if (iidFile != null) {
            Engine.writeIidFile(result, iidFile);
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
        try {
            if (push) {
                BuildPush.push(
                        result,
                        tags,
                        store,
                        registryClient,
                        new TransferMeter(renderer),
                        chatty ? Optional.of(err) : Optional.empty());
            }
        } finally {
            // after the push, so its requests are counted; written even when the push fails
            if (metadataFile != null) {
                Engine.writeMetadataFile(result, tags, registryClient.requestCounts(), metadataFile);
            }
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
