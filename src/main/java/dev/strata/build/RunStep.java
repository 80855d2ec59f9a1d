package dev.strata.build;

import dev.strata.context.CopyPlanner;
import dev.strata.context.CopyRequest;
import dev.strata.context.CopySource;
import dev.strata.dockerfile.ExecForm;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.Mount;
import dev.strata.dockerfile.RunInstruction;
import dev.strata.error.StrataException;
import dev.strata.oci.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RUN: the parent's layers as overlay lowerdirs, the command in the runtime, the upperdir as the
 * new layer. Like BuildKit, a command that changes nothing adds no layer.
 */
final class RunStep {
    /** Where BuildKit mounts a heredoc script; a RUN of one heredoc executes it from there. */
    private static final String PIPES = "/dev/pipes";

    private RunStep() {
    }

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
        m.put("network", network(ctx).name().toLowerCase(java.util.Locale.ROOT));
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
        try {
            s.checkRun();
        } catch (StrataException e) {
            throw new StrataException(e.exitCode(), ctx.step().position() + ": " + e.getMessage(), e);
        }
        RunInstruction r = run(ctx);
        dev.strata.oci.Platform host = dev.strata.oci.Platform.host();
        if (!ctx.config().platform().architecture().equals(host.architecture())) {
            throw StrataException.environment(ctx.step().position() + ": RUN for " + ctx.config().platform()
                    + " cannot run on this " + host + " machine (strata does not emulate other CPUs);"
                    + " build for " + host + " or move the RUN to a stage with --platform=$BUILDPLATFORM");
        }
        List<Path> lowers = s.lowerDirs(ctx.layers());
        List<ChrootRunner.MountSpec> mounts = new ArrayList<>();
        if (r.heredocIsScript()) {
            Path dir = s.tempDir("pipes-");
            Heredoc h = r.heredocs().get(0);
            try {
                Path f = dir.resolve(h.name());
                Files.writeString(f, h.content(), StandardCharsets.UTF_8);
                StepExecutors.setMode(f, 0755);
            } catch (IOException e) {
                throw StrataException.environment("cannot write the RUN heredoc script: " + e.getMessage(), e);
            }
            mounts.add(new ChrootRunner.MountSpec(PIPES, Optional.of(dir), true, false));
        }
        List<MergedRootfs> views = new ArrayList<>();
        List<Runnable> after = new ArrayList<>();
        try {
            for (Mount mt : r.mounts()) {
                mount(ctx, mt, views, after).ifPresent(mounts::add);
            }
            return runWith(ctx, r, lowers, mounts);
        } finally {
            views.forEach(MergedRootfs::close);
            after.forEach(Runnable::run);
        }
    }

    private static Optional<Layer> runWith(StepContext ctx, RunInstruction r, List<Path> lowers,
            List<ChrootRunner.MountSpec> mounts) {
        BuildSession s = ctx.session();
        Path work = s.tempDir("run-");
        java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
        List<java.nio.channels.FileChannel> locks = lockCaches(ctx, r);
        try {
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>(ctx.step().runEnvironment());
            env.putAll(secretEnv(ctx, r));
            ChrootRunner.Outcome result = ChrootRunner.run(new ChrootRunner.Spec(argv(ctx), env,
                    workdir(ctx), ctx.config().config().user(), lowers, network(ctx) == Network.NONE, mounts,
                    line -> {
                        s.events().log(ctx.id(), line);
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 5) {
                                tail.removeFirst();
                            }
                        }
                    }, work, s.runtime()));
            if (result.exitCode() != 0) {
                String last = tail.isEmpty() ? "" : "; its last output:\n  " + String.join("\n  ", tail);
                throw StrataException.stepFailed(ctx.step().position() + ": RUN " + summary(ctx)
                        + " failed: the command exited with code " + result.exitCode() + last);
            }
            if (dev.strata.archive.LayerWriter.isEmptyTree(result.upperDir())) {
                return Optional.empty();
            }
            return Optional.of(s.storeLayer(out -> dev.strata.archive.LayerWriter.writeUpperdir(result.upperDir(), s.layerOptions(), out)));
        } finally {
            for (java.nio.channels.FileChannel c : locks) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing releases the lock
                }
            }
            BuildSession.deleteTree(work);
        }
    }

    /** {@code sharing=locked} cache mounts: held exclusively, across builds, for the whole step. */
    private static List<java.nio.channels.FileChannel> lockCaches(StepContext ctx, RunInstruction r) {
        List<java.nio.channels.FileChannel> out = new ArrayList<>();
        for (Mount mt : r.mounts()) {
            if (mt.type() == dev.strata.dockerfile.MountType.CACHE && mt.sharing().equals("locked")) {
                Path lock = cacheDir(ctx.session(), mt).resolveSibling(cacheDir(ctx.session(), mt).getFileName() + ".lock");
                try {
                    java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(lock,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    c.lock();
                    out.add(c);
                } catch (IOException e) {
                    throw StrataException.environment("cannot lock the cache mount " + lock + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    private static Path cacheDir(BuildSession s, Mount mt) {
        String id = mt.id().orElse(mt.target().orElseThrow());
        return s.store.root().resolve("cache-mounts").resolve(StageRunner.hashed(id).substring(7, 39));
    }

    private static String summary(StepContext ctx) {
        String text = dev.strata.dockerfile.InstructionText.arguments(ctx.step().expanded());
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private static Optional<ChrootRunner.MountSpec> mount(StepContext ctx, Mount mt, List<MergedRootfs> views,
            List<Runnable> after) {
        String where = ctx.step().position() + ": RUN --mount=type=" + mt.type().text();
        BuildSession s = ctx.session();
        switch (mt.type()) {
            case CACHE -> {
                if (mt.from().isPresent()) {
                    throw StrataException.input(where + ",from=...: cache mounts seeded from a stage are not supported yet");
                }
                String target = mt.target().orElseThrow();
                String id = mt.id().orElse(target);
                // one directory per id under the store, kept between builds; created with the mount's owner and mode
                Path dir = cacheDir(s, mt);
                try {
                    if (!Files.isDirectory(dir)) {
                        Files.createDirectories(dir);
                        Files.setAttribute(dir, "unix:mode", mt.mode());
                        Files.setAttribute(dir, "unix:uid", mt.uid());
                        Files.setAttribute(dir, "unix:gid", mt.gid());
                    }
                } catch (IOException e) {
                    throw StrataException.environment(where + ": cannot create the cache directory " + dir + ": "
                            + e.getMessage(), e);
                }
                if (mt.sharing().equals("private") && !s.claimCache(dir)) {
                    // in use by a step running now: this one gets its own copy, thrown away afterwards
                    Path copy = s.tempDir("cache-private-");
                    copyTree(dir, copy);
                    return Optional.of(new ChrootRunner.MountSpec(target, Optional.of(copy), mt.readOnly(), false));
                }
                if (mt.sharing().equals("private")) {
                    after.add(() -> s.releaseCache(dir));
                }
                return Optional.of(new ChrootRunner.MountSpec(target, Optional.of(dir), mt.readOnly(), false));
            }
            case SECRET -> {
                String id = secretId(mt);
                byte[] content = s.request.secrets().get(id);
                if (content == null) {
                    if (mt.required()) {
                        throw StrataException.input(where + ": secret " + id + " is required but not given;"
                                + " pass --secret id=" + id + ",src=FILE");
                    }
                    return Optional.empty();
                }
                if (mt.env().isPresent() && mt.target().isEmpty()) {
                    return Optional.empty(); // only an environment variable (see secretEnv)
                }
                Path dir = s.tempDir("secret-");
                Path f = dir.resolve("secret");
                try {
                    Files.write(f, content);
                    Files.setAttribute(f, "unix:mode", mt.mode());
                    Files.setAttribute(f, "unix:uid", mt.uid());
                    Files.setAttribute(f, "unix:gid", mt.gid());
                } catch (IOException e) {
                    throw StrataException.environment(where + ": cannot stage the secret: " + e.getMessage(), e);
                }
                return Optional.of(new ChrootRunner.MountSpec(mt.target().orElse("/run/secrets/" + id), Optional.of(f),
                        true, true));
            }
            case TMPFS -> {
                return Optional.of(new ChrootRunner.MountSpec(mt.target().orElseThrow(), Optional.empty(), false, false));
            }
            case BIND -> {
                Path root = s.context.root();
                if (mt.from().isPresent()) {
                    // a stage's or image's filesystem, merged read-only for the length of the step
                    CopyStep.FromSource from = CopyStep.resolveFrom(ctx, mt.from().get());
                    MergedRootfs view = s.merged(from.layers());
                    views.add(view);
                    root = view.root().orElseThrow(() -> StrataException.input(where + ",from=" + mt.from().get()
                            + ": that stage is empty"));
                }
                Path src = root.resolve(ConfigSteps.clean("/" + mt.source().orElse("/")).substring(1)).normalize();
                if (!src.startsWith(root) || !Files.exists(src)) {
                    throw StrataException.input(where + ": source " + mt.source().orElse("") + " is not in the context");
                }
                // writes to a rw bind must not reach the context: bind a copy then
                Path source = src;
                if (!mt.readOnly()) {
                    source = s.tempDir("bind-");
                    copyTree(src, source);
                }
                return Optional.of(new ChrootRunner.MountSpec(mt.target().orElseThrow(), Optional.of(source),
                        mt.readOnly(), !Files.isDirectory(src)));
            }
            default -> throw StrataException.input(where + ": ssh mounts are not supported yet");
        }
    }

    private static void copyTree(Path from, Path to) {
        try {
            Process p = new ProcessBuilder("cp", "-a", from + (Files.isDirectory(from) ? "/." : ""), to.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw StrataException.environment("cannot copy " + from + " for a read-write bind mount: " + out);
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot copy " + from + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.stepFailed("interrupted");
        }
    }

    private static String bindDigest(StepContext ctx, Mount mt) {
        if (mt.from().isPresent()) {
            // the source stage's content (its layers and config) names what the mount shows
            return "from=" + CopyStep.resolveFrom(ctx, mt.from().get()).state() + ":" + mt.source().orElse("/")
                    + (mt.readOnly() ? "" : ",rw");
        }
        String source = mt.source().orElse(".");
        CopyRequest req = CopyRequest.copy("/", source.isEmpty() || source.equals("/") ? "." : source);
        return CopyPlanner.sourceDigest(req, CopySource.context(ctx.session().context), ctx.session().hasher,
                Optional.empty()).toString() + (mt.readOnly() ? "" : ",rw");
    }

    private static String secretId(Mount mt) {
        return mt.id().orElseGet(() -> {
            String t = mt.target().orElse(mt.env().orElse(""));
            return t.substring(t.lastIndexOf('/') + 1);
        });
    }

    /** {@code type=secret,env=VAR}: the secret as the step's environment variable (never in the key or history). */
    private static java.util.Map<String, String> secretEnv(StepContext ctx, RunInstruction r) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Mount mt : r.mounts()) {
            if (mt.type() == dev.strata.dockerfile.MountType.SECRET && mt.env().isPresent()) {
                byte[] content = ctx.session().request.secrets().get(secretId(mt));
                if (content != null) {
                    out.put(mt.env().get(), new String(content, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static List<String> env(StepContext ctx) {
        List<String> out = new ArrayList<>();
        ctx.step().runEnvironment().forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static String workdir(StepContext ctx) {
        String w = ctx.config().config().workingDir();
        return w.isEmpty() ? "/" : w;
    }

    /** The network a RUN sees. */
    enum Network { HOST, NONE }

    private static Network network(StepContext ctx) {
        String n = run(ctx).network().orElse(ctx.session().request.network());
        return switch (n) {
            case "none" -> Network.NONE;
            case "host", "default" -> Network.HOST;
            default -> throw StrataException.input(ctx.step().position() + ": --network=" + n
                    + " is not supported: use default, host or none");
        };
    }

    private static RunInstruction run(StepContext ctx) {
        return (RunInstruction) ctx.step().expanded();
    }
}
