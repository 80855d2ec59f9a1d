package dev.strata.engine;

import dev.strata.archive.LayerWriter;
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
import dev.strata.exec.NetworkMode;
import dev.strata.exec.RunExecutor;
import dev.strata.exec.RunMount;
import dev.strata.exec.RunRequest;
import dev.strata.exec.RunResult;
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
final class RunStep {
    /** Where BuildKit mounts a heredoc script; a RUN of one heredoc executes it from there. */
    private static final String PIPES = "/dev/pipes";

    private RunStep() {}

    static List<String> argv(StepContext ctx) {
        RunInstruction r = run(ctx);
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

    static void inputs(StepContext ctx, Map<String, String> m) {
        RunInstruction r = run(ctx);
        // ARGs reach a RUN only as its environment; other steps see them through their expanded text
        ctx.step().args().forEach((k, v) -> m.put("arg:" + k, StageRunner.hashed(v)));
        m.put("network", network(ctx).name().toLowerCase(Locale.ROOT));
        m.put("shell", String.join(" ", ctx.scope().shell()));
        m.put("user", ctx.config().config().user());
        m.put("workdir", workdir(ctx));
        for (Heredoc h : r.heredocs()) {
            m.put("heredoc:" + h.name(), StageRunner.hashed(h.content()));
        }
        for (Mount mt : r.mounts()) {
            String target = mt.target().orElse("/run/secrets/" + mt.id().orElse(""));
            String desc = switch (mt.type()) {
                case CACHE -> "cache,id=" + mt.id().orElse(target) + ",sharing=" + mt.sharing();
                case SECRET -> "secret,id=" + secretId(mt); // never the content
                case TMPFS -> "tmpfs" + mt.size().map(s -> ",size=" + s).orElse("");
                case BIND -> "bind," + bindDigest(ctx, mt);
                case SSH -> "ssh";
            };
            m.put("mount:" + target, desc);
        }
    }

    static Optional<Layer> execute(StepContext ctx) {
        BuildSession s = ctx.session();
        RunExecutor executor;
        try {
            executor = s.executor();
        } catch (StrataException e) {
            throw new StrataException(e.exitCode(), ctx.step().position() + ": " + e.getMessage(), e);
        }
        RunInstruction r = run(ctx);
        Platform host = Platform.host();
        if (!ctx.config().platform().architecture().equals(host.architecture())) {
            throw StrataException.environment(
                    ctx.step().position() + ": RUN for " + ctx.config().platform()
                            + " cannot run on this " + host + " machine (strata does not emulate other CPUs);"
                            + " build for " + host + " or move the RUN to a stage with --platform=$BUILDPLATFORM");
        }
        RunRequest.Builder req = RunRequest.builder(argv(ctx), s.scratch)
                .env(env(ctx, r))
                .workingDir(workdir(ctx))
                .user(ctx.config().config().user())
                .lowerDirs(s.lowerDirs(ctx.layers()))
                .network(network(ctx))
                .cacheRoot(cacheRoot(s))
                .output(line -> s.events().log(ctx.id(), line));
        Optional<Path> pipes = Optional.empty();
        if (r.heredocIsScript()) {
            Path dir = s.tempDir("pipes-");
            pipes = Optional.of(dir);
            Heredoc h = r.heredocs().get(0);
            try {
                Path f = dir.resolve(h.name());
                Files.writeString(f, h.content(), StandardCharsets.UTF_8);
                StepExecutors.setMode(f, 0755);
            } catch (IOException e) {
                throw StrataException.environment("cannot write the RUN heredoc script: " + e.getMessage(), e);
            }
            req.mount(new RunMount.Bind(PIPES, dir, false));
        }
        List<MergedRootfs> views = new ArrayList<>();
        try {
            for (Mount mt : r.mounts()) {
                mount(ctx, mt, views).ifPresent(req::mount);
            }
            return runWith(ctx, executor, req.build());
        } finally {
            views.forEach(MergedRootfs::close);
            pipes.ifPresent(BuildSession::deleteTree);
        }
    }

    private static Optional<Layer> runWith(StepContext ctx, RunExecutor executor, RunRequest request) {
        BuildSession s = ctx.session();
        RunResult result;
        try {
            result = executor.run(request);
        } catch (StrataException e) {
            throw new StrataException(
                    e.exitCode(), ctx.step().position() + ": RUN " + summary(ctx) + ": " + e.getMessage(), e);
        }
        try (result) {
            if (result.exitCode() != 0) {
                throw StrataException.stepFailed(ctx.step().position() + ": RUN " + summary(ctx)
                        + " failed: the command exited with code " + result.exitCode());
            }
            if (LayerWriter.isEmptyTree(result.upperDir())) {
                return Optional.empty();
            }
            return Optional.of(s.storeLayer(
                    (out, skeleton) -> LayerWriter.writeUpperdir(result.upperDir(), s.layerOptions(), out, skeleton)));
        }
    }

    /** Where {@code type=cache} mounts persist, per id, between builds. */
    private static Path cacheRoot(BuildSession s) {
        return s.store.root().resolve("cache-mounts");
    }

    private static String summary(StepContext ctx) {
        String text = InstructionText.arguments(ctx.step().expanded());
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private static Optional<RunMount> mount(StepContext ctx, Mount mt, List<MergedRootfs> views) {
        String where = ctx.step().position() + ": RUN --mount=type=" + mt.type().text();
        BuildSession s = ctx.session();
        switch (mt.type()) {
            case CACHE -> {
                String target = mt.target().orElseThrow();
                String id = mt.id().orElse(target);
                Optional<Path> seeded = Optional.empty();
                if (mt.from().isPresent()) {
                    seeded = Optional.of(seededCache(s, id, mt, source(ctx, mt, views, where), where));
                }
                RunMount.Sharing sharing = RunMount.Sharing.valueOf(mt.sharing().toUpperCase(Locale.ROOT));
                return Optional.of(
                        new RunMount.Cache(target, id, sharing, mt.uid(), mt.gid(), mt.mode(), mt.readOnly(), seeded));
            }
            case SECRET -> {
                if (mt.env().isPresent() && mt.target().isEmpty()) {
                    return Optional.empty(); // only an environment variable (see env)
                }
                String id = secretId(mt);
                Optional<byte[]> content =
                        Optional.ofNullable(s.request.secrets().get(id));
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
                        new RunMount.Bind(mt.target().orElseThrow(), source(ctx, mt, views, where), !mt.readOnly()));
            }
            default -> {
                return Optional.of(new RunMount.Ssh(
                        mt.target().orElse("/run/buildkit/ssh_agent.0"), mt.id().orElse("default")));
            }
        }
    }

    /** A bind's or a seeded cache's {@code source}: in the context, or in the {@code from} stage or image. */
    private static Path source(StepContext ctx, Mount mt, List<MergedRootfs> views, String where) {
        Path root = ctx.session().context.root();
        String in = "the context";
        if (mt.from().isPresent()) {
            // a stage's or image's filesystem, merged read-only for the length of the step
            CopyStep.FromSource from = CopyStep.resolveFrom(ctx, mt.from().get());
            MergedRootfs view = ctx.session().merged(from.layers());
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
    private static Path seededCache(BuildSession s, String id, Mount mt, Path src, String where) {
        if (!Files.isDirectory(src)) {
            throw StrataException.input(where + ": source " + mt.source().orElse("/") + " in "
                    + mt.from().get() + " is not a directory");
        }
        Path root = cacheRoot(s);
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
                BuildSession.deleteTree(tmp);
                throw StrataException.environment(where + ": cannot seed the cache from " + src + ": " + out);
            }
            try {
                // renamed into place so a concurrent step never sees it half-copied
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                BuildSession.deleteTree(tmp);
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

    private static String bindDigest(StepContext ctx, Mount mt) {
        if (mt.from().isPresent()) {
            // the source stage's content (its layers and config) names what the mount shows
            return "from=" + CopyStep.resolveFrom(ctx, mt.from().get()).state() + ":"
                    + mt.source().orElse("/") + (mt.readOnly() ? "" : ",rw");
        }
        String source = mt.source().orElse(".");
        CopyRequest req = CopyRequest.copy("/", source.isEmpty() || source.equals("/") ? "." : source);
        return CopyPlanner.sourceDigest(
                                req, CopySource.context(ctx.session().context), ctx.session().hasher, Optional.empty())
                        .toString()
                + (mt.readOnly() ? "" : ",rw");
    }

    private static String secretId(Mount mt) {
        return mt.id().orElseGet(() -> {
            String t = mt.target().orElse(mt.env().orElse(""));
            return t.substring(t.lastIndexOf('/') + 1);
        });
    }

    /** The step's environment as K=V, {@code type=secret,env=VAR} secrets last (never in the key or history). */
    private static List<String> env(StepContext ctx, RunInstruction r) {
        Map<String, String> env = new LinkedHashMap<>(ctx.step().runEnvironment());
        for (Mount mt : r.mounts()) {
            if (mt.type() == MountType.SECRET && mt.env().isPresent()) {
                byte[] content = ctx.session().request.secrets().get(secretId(mt));
                if (content != null) {
                    env.put(mt.env().get(), new String(content, StandardCharsets.UTF_8));
                } else if (mt.required()) {
                    throw StrataException.input(ctx.step().position() + ": RUN --mount=type=secret: secret "
                            + secretId(mt) + " is required but not given; pass --secret id=" + secretId(mt)
                            + ",src=FILE or env=VAR");
                }
            }
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static String workdir(StepContext ctx) {
        String w = ctx.config().config().workingDir();
        return w.isEmpty() ? "/" : w;
    }

    /** The network a RUN sees: its own --network, else the build's. */
    private static NetworkMode network(StepContext ctx) {
        String n = run(ctx).network().orElse(ctx.session().request.network());
        return switch (n) {
            case "none" -> NetworkMode.NONE;
            case "host", "default" -> NetworkMode.HOST;
            default ->
                throw StrataException.input(
                        ctx.step().position() + ": --network=" + n + " is not supported: use default, host or none");
        };
    }

    private static RunInstruction run(StepContext ctx) {
        return (RunInstruction) ctx.step().expanded();
    }
}
