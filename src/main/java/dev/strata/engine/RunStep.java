package dev.strata.engine;

import dev.strata.archive.LayerWriter;
import dev.strata.context.BuildContext;
import dev.strata.context.CopyPlanner;
import dev.strata.context.CopyRequest;
import dev.strata.context.CopySource;
import dev.strata.dockerfile.ExecForm;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.InstructionText;
import dev.strata.dockerfile.Mount;
import dev.strata.dockerfile.MountType;
import dev.strata.dockerfile.RunInstruction;
import dev.strata.error.StrataException;
import dev.strata.exec.ContainerOptions;
import dev.strata.exec.NetworkMode;
import dev.strata.exec.RunExecutor;
import dev.strata.exec.RunMount;
import dev.strata.exec.RunRequest;
import dev.strata.exec.RunResult;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * RUN: the parent's layers as overlay lowerdirs, the command in the runtime, the upperdir as the
 * new layer. Like BuildKit, a command that changes nothing adds no layer.
 */
final class RunStep implements FilesystemStep {
    /** Where BuildKit mounts a heredoc script; a RUN of one heredoc executes it from there. */
    private static final String PIPES = "/dev/pipes";

    private final StepContext ctx;
    private final RunInstruction r;
    private final LayerWorkspace ws;
    private final ContextFiles files;
    private final FromSources sources;
    private final RunServices services;

    RunStep(
            StepContext ctx,
            RunInstruction r,
            LayerWorkspace ws,
            ContextFiles files,
            FromSources sources,
            RunServices services) {
        this.ctx = ctx;
        this.r = r;
        this.ws = ws;
        this.files = files;
        this.sources = sources;
        this.services = services;
    }

    /** What a RUN reads besides its parent: its mounts ("mount:TYPE:TARGET[:from=F]"). */
    static List<String> reads(RunInstruction r) {
        List<String> inputs = new ArrayList<>();
        for (Mount m : r.mounts()) {
            inputs.add("mount:" + m.type().text() + ":" + m.target().orElse(m.id().orElse(""))
                    + m.from().map(f -> ":from=" + f).orElse(""));
        }
        return inputs;
    }

    /** The ids of the RUN's own cache mounts (not those seeded {@code from=} a stage): the ones an export carries. */
    static List<String> cacheMountIds(RunInstruction r) {
        return r.mounts().stream()
                .filter(m -> m.type() == MountType.CACHE && m.from().isEmpty())
                .map(m -> m.id().orElse(m.target().orElseThrow()))
                .toList();
    }

    @Override
    public List<String> reads() {
        return reads(r);
    }

    @Override
    public ImageConfig configAfter(ImageConfig before) {
        return before;
    }

    @Override
    public Optional<String> history(ImageConfig after) {
        return Optional.of(CreatedBy.run(ctx.step(), argv()));
    }

    /** The command as the runtime executes it: exec form as is, shell form (or a heredoc script) after SHELL. */
    List<String> argv() {
        if (r.command() instanceof ExecForm e) {
            return e.args();
        }
        List<String> out = new ArrayList<>(ctx.scope().shell());
        if (r.heredocIsScript()) {
            out.add(PIPES + "/" + r.heredocs().get(0).name());
        } else {
            out.add(r.shellScript());
        }
        return out;
    }

    @Override
    public Map<String, String> keyInputs() {
        Map<String, String> m = new LinkedHashMap<>();
        // ARGs reach a RUN only as its environment; other steps see them through their expanded text
        ctx.step().args().forEach((k, v) -> m.put("arg:" + k, StageRunner.hashed(v)));
        m.put("network", network().name().toLowerCase(Locale.ROOT));
        m.put("shell", String.join(" ", ctx.scope().shell()));
        m.put("user", ctx.config().config().user());
        m.put("workdir", workdir());
        for (Heredoc h : r.heredocs()) {
            m.put("heredoc:" + h.name(), StageRunner.hashed(h.content()));
        }
        ContainerOptions c = services.container();
        if (!c.isDefault()) {
            // BuildKit keys extra hosts, ulimits and the /dev/shm size with the exec; absent, keys stay as before
            m.put(
                    "hosts",
                    String.join(",", c.hosts().stream().map(h -> h.line()).toList()));
            c.shmSize().ifPresent(s -> m.put("shm", Long.toString(s)));
            m.put(
                    "ulimits",
                    String.join(
                            ",",
                            c.ulimits().stream()
                                    .map(u -> u.name() + "=" + u.soft() + ":" + u.hard())
                                    .toList()));
        }
        for (Mount mt : r.mounts()) {
            String target = mt.type() == MountType.SSH
                    ? sshTarget(mt)
                    : mt.target().orElse("/run/secrets/" + mt.id().orElse(""));
            String desc = switch (mt.type()) {
                case CACHE -> "cache,id=" + mt.id().orElse(target) + ",sharing=" + mt.sharing();
                case SECRET -> "secret,id=" + secretId(mt); // never the content
                case TMPFS -> "tmpfs" + mt.size().map(s -> ",size=" + s).orElse("");
                case BIND -> "bind," + bindDigest(mt);
                case SSH -> "ssh,id=" + mt.id().orElse("default"); // never the agent's socket
            };
            m.put("mount:" + target, desc);
        }
        return m;
    }

    @Override
    public Optional<Layer> run() {
        RunExecutor executor;
        try {
            executor = services.executor().get();
        } catch (StrataException e) {
            throw new StrataException(e.exitCode(), ctx.step().position() + ": " + e.getMessage(), e);
        }
        Platform host = Platform.host();
        if (!ctx.config().platform().architecture().equals(host.architecture())) {
            throw StrataException.environment(
                    ctx.step().position() + ": RUN for " + ctx.config().platform()
                            + " cannot run on this " + host + " machine (strata does not emulate other CPUs);"
                            + " build for " + host + " or move the RUN to a stage with --platform=$BUILDPLATFORM");
        }
        RunRequest.Builder req = RunRequest.builder(argv(), services.scratch())
                // the build's scratch dir is under its store's tmp/: steps are named after the store
                .owner(services.scratch().toAbsolutePath().getParent())
                .env(env())
                .workingDir(workdir())
                .user(ctx.config().config().user())
                .lowerDirs(ws.lowerDirs(ctx.layers()))
                .network(network())
                .cacheRoot(services.cacheRoot())
                .container(services.container())
                .output(line -> services.events().log(ctx.id(), line));
        Optional<Path> pipes = Optional.empty();
        if (r.heredocIsScript()) {
            Path dir = ws.tempDir("pipes-");
            pipes = Optional.of(dir);
            Heredoc h = r.heredocs().get(0);
            try {
                Path f = dir.resolve(h.name());
                Files.writeString(f, h.content(), StandardCharsets.UTF_8);
                ScratchFiles.setMode(f, 0755);
            } catch (IOException e) {
                throw StrataException.environment("cannot write the RUN heredoc script: " + e.getMessage(), e);
            }
            req.mount(new RunMount.Bind(PIPES, dir, false));
        }
        List<MergedRootfs> views = new ArrayList<>();
        try {
            for (Mount mt : r.mounts()) {
                mount(mt, views).ifPresent(req::mount);
            }
            return runWith(executor, req.build());
        } finally {
            views.forEach(MergedRootfs::close);
            pipes.ifPresent(ScratchFiles::deleteTree);
        }
    }

    private Optional<Layer> runWith(RunExecutor executor, RunRequest request) {
        RunResult result;
        try {
            result = executor.run(request);
        } catch (StrataException e) {
            throw new StrataException(
                    e.exitCode(), ctx.step().position() + ": RUN " + summary() + ": " + e.getMessage(), e);
        }
        try (result) {
            if (result.exitCode() != 0) {
                throw StrataException.stepFailed(ctx.step().position() + ": RUN " + summary()
                        + " failed: the command exited with code " + result.exitCode());
            }
            if (LayerWriter.isEmptyTree(result.upperDir())) {
                return Optional.empty();
            }
            return Optional.of(ws.storeLayer(
                    (out, skeleton) -> LayerWriter.writeUpperdir(result.upperDir(), ws.layerOptions(), out, skeleton)));
        }
    }

    private String summary() {
        String text = InstructionText.arguments(ctx.step().expanded());
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private Optional<RunMount> mount(Mount mt, List<MergedRootfs> views) {
        String where = ctx.step().position() + ": RUN --mount=type=" + mt.type().text();
        switch (mt.type()) {
            case CACHE -> {
                String target = mt.target().orElseThrow();
                String id = mt.id().orElse(target);
                Optional<Path> seeded = Optional.empty();
                if (mt.from().isPresent()) {
                    seeded = Optional.of(seededCache(id, mt, source(mt, views, where), where));
                }
                RunMount.Sharing sharing = RunMount.Sharing.valueOf(mt.sharing().toUpperCase(Locale.ROOT));
                RunMount.Cache cache =
                        new RunMount.Cache(target, id, sharing, mt.uid(), mt.gid(), mt.mode(), mt.readOnly(), seeded);
                if (seeded.isEmpty()) {
                    // this step missed: an imported cache's content for the id is wanted now, not before
                    services.mounts().beforeRun(cache);
                }
                return Optional.of(cache);
            }
            case SECRET -> {
                if (mt.env().isPresent() && mt.target().isEmpty()) {
                    return Optional.empty(); // only an environment variable (see env)
                }
                String id = secretId(mt);
                Optional<byte[]> content =
                        Optional.ofNullable(services.secrets().get(id));
                if (content.isEmpty() && mt.required()) {
                    throw StrataException.input(where + ": secret " + id + " is required but not given;"
                            + " pass --secret id=" + id + ",src=FILE");
                }
                return Optional.of(new RunMount.Secret(
                        mt.target().orElse("/run/secrets/" + id),
                        id,
                        content,
                        mt.required(),
                        mt.mode(),
                        mt.uid(),
                        mt.gid()));
            }
            case TMPFS -> {
                return Optional.of(new RunMount.Tmpfs(
                        mt.target().orElseThrow(),
                        mt.size().map(OptionalLong::of).orElse(OptionalLong.empty())));
            }
            case BIND -> {
                return Optional.of(
                        new RunMount.Bind(mt.target().orElseThrow(), source(mt, views, where), !mt.readOnly()));
            }
            default -> {
                String id = mt.id().orElse("default");
                Optional<Path> agent = Optional.ofNullable(services.sshAgents().get(id));
                if (agent.isEmpty() && mt.required()) {
                    throw StrataException.input(where + ",id=" + id + ": no ssh agent " + id
                            + " was forwarded; pass --ssh " + id + " (uses $SSH_AUTH_SOCK) or --ssh " + id
                            + "=/path/to/agent.sock");
                }
                return Optional.of(
                        new RunMount.Ssh(sshTarget(mt), id, agent, mt.required(), mt.mode(), mt.uid(), mt.gid()));
            }
        }
    }

    /** A bind's or a seeded cache's {@code source}: in the context, or in the {@code from} stage or image. */
    private Path source(Mount mt, List<MergedRootfs> views, String where) {
        Path root = files.context().root();
        String in = "the context";
        Optional<BuildContext> dir = mt.from().flatMap(sources::directory);
        if (dir.isPresent()) {
            // a --build-context NAME=DIR binds like the build context: the directory itself
            root = dir.get().root();
            in = "--build-context " + mt.from().get();
        } else if (mt.from().isPresent()) {
            // a stage's or image's filesystem, merged read-only for the length of the step
            FromSources.FromSource from = resolve(mt.from().get());
            MergedRootfs view = ws.merged(from.layers());
            views.add(view);
            in = mt.from().get();
            root = view.root()
                    .orElseThrow(() ->
                            StrataException.input(where + ",from=" + mt.from().get() + ": that stage is empty"));
        }
        Path src = root.resolve(ConfigSteps.clean("/" + mt.source().orElse("/")).substring(1))
                .normalize();
        if (!src.startsWith(root) || !Files.exists(src)) {
            throw StrataException.input(where + ": source " + mt.source().orElse("/") + " is not in " + in);
        }
        return src;
    }

    /**
     * {@code type=cache,from=STAGE}: the cache starts as a copy of the stage's {@code source} dir the
     * first time its id is used with that source, then persists like any cache mount.
     */
    private Path seededCache(String id, Mount mt, Path src, String where) {
        if (!Files.isDirectory(src)) {
            throw StrataException.input(where + ": source " + mt.source().orElse("/") + " in "
                    + mt.from().get() + " is not a directory");
        }
        Path root = services.cacheRoot();
        Path dir = root.resolve("seeded-"
                + StageRunner.hashed(
                                id + "\0" + mt.from().get() + "\0" + mt.source().orElse("/"))
                        .substring(7, 39));
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".seeding-");
            Process p = new ProcessBuilder("cp", "-a", "--", src + "/.", tmp.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                ScratchFiles.deleteTree(tmp);
                throw StrataException.environment(where + ": cannot seed the cache from " + src + ": " + out);
            }
            try {
                // renamed into place so a concurrent step never sees it half-copied
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                ScratchFiles.deleteTree(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw StrataException.environment(
                    where + ": cannot seed the cache under " + root + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.stepFailed(where + ": interrupted while seeding the cache");
        }
    }

    private String bindDigest(Mount mt) {
        Optional<BuildContext> dir = mt.from().flatMap(sources::directory);
        if (mt.from().isPresent() && dir.isEmpty()) {
            // the source stage's content (its layers and config) names what the mount shows
            return "from=" + resolve(mt.from().get()).state() + ":"
                    + mt.source().orElse("/") + (mt.readOnly() ? "" : ",rw");
        }
        String source = mt.source().orElse(".");
        CopyRequest req = CopyRequest.copy("/", source.isEmpty() || source.equals("/") ? "." : source);
        // a directory context is keyed by its files, as the build context is
        String digest = CopyPlanner.sourceDigest(
                        req, CopySource.context(dir.orElse(files.context())), files.hasher(), Optional.empty())
                .toString();
        return dir.map(d -> "context=" + mt.from().get() + ":").orElse("") + digest + (mt.readOnly() ? "" : ",rw");
    }

    private static String secretId(Mount mt) {
        return mt.id().orElseGet(() -> {
            String t = mt.target().orElse(mt.env().orElse(""));
            return t.substring(t.lastIndexOf('/') + 1);
        });
    }

    /** The step's environment as K=V, {@code type=secret,env=VAR} secrets last (never in the key or history). */
    private List<String> env() {
        Map<String, String> env = new LinkedHashMap<>(ctx.step().runEnvironment());
        for (Mount mt : r.mounts()) {
            if (mt.type() == MountType.SECRET && mt.env().isPresent()) {
                byte[] content = services.secrets().get(secretId(mt));
                if (content != null) {
                    env.put(mt.env().get(), new String(content, StandardCharsets.UTF_8));
                } else if (mt.required()) {
                    throw StrataException.input(ctx.step().position() + ": RUN --mount=type=secret: secret "
                            + secretId(mt) + " is required but not given; pass --secret id=" + secretId(mt)
                            + ",src=FILE or env=VAR");
                }
            }
        }
        // BuildKit points SSH_AUTH_SOCK at the first ssh mount unless the environment sets it
        r.mounts().stream()
                .filter(mt -> mt.type() == MountType.SSH)
                .findFirst()
                .ifPresent(mt -> env.putIfAbsent("SSH_AUTH_SOCK", sshTarget(mt)));
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** An ssh mount's target: given, else BuildKit's /run/buildkit/ssh_agent.N (N counts this RUN's ssh mounts). */
    private String sshTarget(Mount mt) {
        if (mt.target().isPresent()) {
            return mt.target().get();
        }
        List<Mount> ssh =
                r.mounts().stream().filter(m -> m.type() == MountType.SSH).toList();
        return "/run/buildkit/ssh_agent." + ssh.indexOf(mt);
    }

    private String workdir() {
        String w = ctx.config().config().workingDir();
        return w.isEmpty() ? "/" : w;
    }

    /** The network a RUN sees: its own --network, else the build's. */
    private NetworkMode network() {
        String n = r.network().orElse(services.network());
        return switch (n) {
            case "none" -> NetworkMode.NONE;
            case "host", "default" -> NetworkMode.HOST;
            default ->
                throw StrataException.input(
                        ctx.step().position() + ": --network=" + n + " is not supported: use default, host or none");
        };
    }

    private FromSources.FromSource resolve(String from) {
        return sources.resolve(
                from, ctx.config().platform(), ctx.step().position().toString());
    }
}
