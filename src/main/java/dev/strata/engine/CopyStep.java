package dev.strata.engine;

import dev.strata.archive.LayerEntry;
import dev.strata.archive.LayerWriter;
import dev.strata.context.BuildContext;
import dev.strata.context.CopyEntry;
import dev.strata.context.CopyPlan;
import dev.strata.context.CopyPlanner;
import dev.strata.context.CopyRequest;
import dev.strata.context.CopySource;
import dev.strata.context.DockerIgnore;
import dev.strata.context.ImageView;
import dev.strata.context.NoSourceFilesException;
import dev.strata.context.Stager;
import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.Stage;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** COPY and ADD: the context planner's plan becomes the layer (through a staging tree for ADD archives). */
final class CopyStep {
    private CopyStep() {}

    /** Where a COPY --from (or a RUN --mount from=) reads: a stage's layers or an image's, and their state. */
    record FromSource(String name, List<Layer> layers, String state) {}

    static void inputs(StepContext ctx, Map<String, String> m) {
        CopyRequest req = request(ctx);
        if (!req.sources().isEmpty()) {
            Optional<FromSource> from = from(ctx);
            if (from.isPresent()) {
                BuildSession s = ctx.session();
                try (MergedRootfs merged = s.merged(from.get().layers())) {
                    CopySource src = merged.root()
                            .map(r -> CopySource.rootfs(r, from.get().name()))
                            .orElseThrow(
                                    () -> missing(ctx, "the stage " + from.get().name() + " is empty"));
                    m.put(
                            "file:" + req.dest(),
                            wrap(
                                    ctx,
                                    () -> CopyPlanner.sourceDigest(req, src, s.hasher, Optional.empty())
                                            .toString()));
                }
            } else {
                m.put(
                        "file:" + req.dest(),
                        wrap(
                                ctx,
                                () -> CopyPlanner.sourceDigest(
                                                req,
                                                CopySource.context(ctx.session().context),
                                                ctx.session().hasher,
                                                Optional.of(ctx.session().tempDir("fetch-")))
                                        .toString()));
            }
        }
        for (Heredoc h : heredocs(ctx)) {
            m.put("heredoc:" + h.name(), StageRunner.hashed(h.content()));
        }
    }

    static Optional<Layer> execute(StepContext ctx) {
        BuildSession s = ctx.session();
        CopyRequest req = request(ctx);
        List<List<CopyEntry>> plans = new ArrayList<>();
        List<MergedRootfs> open = new ArrayList<>();
        try {
            // the parent image, read from its unpacked layers without a mount
            ImageView view = ParentView.of(s, ctx.layers());
            if (!req.sources().isEmpty()) {
                Optional<FromSource> from = from(ctx);
                if (from.isPresent()) {
                    // the source stays mounted until the layer is written: the plan points at its files
                    MergedRootfs src = s.merged(from.get().layers());
                    open.add(src);
                    CopySource cs = src.root()
                            .map(r -> CopySource.rootfs(r, from.get().name()))
                            .orElseThrow(
                                    () -> missing(ctx, "the stage " + from.get().name() + " is empty"));
                    plans.add(plan(ctx, req, cs, view));
                } else {
                    plans.add(plan(ctx, req, CopySource.context(s.context), view));
                }
            }
            List<Heredoc> docs = heredocs(ctx);
            if (!docs.isEmpty()) {
                Path dir = s.tempDir("heredoc-");
                StepExecutors.setMode(dir, 0755);
                List<String> names = new ArrayList<>();
                for (Heredoc h : docs) {
                    Path f = dir.resolve(h.name());
                    try {
                        Files.writeString(f, h.content(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw StrataException.environment(
                                "cannot write the heredoc " + h.name() + ": " + e.getMessage(), e);
                    }
                    StepExecutors.setMode(f, 0644);
                    names.add(h.name());
                }
                CopyRequest hreq = new CopyRequest(
                        req.add(),
                        names,
                        req.dest(),
                        req.workdir(),
                        req.chown(),
                        req.chmod(),
                        List.of(),
                        false,
                        Optional.empty(),
                        false,
                        req.sourceDateEpoch(),
                        req.createdAt());
                plans.add(plan(ctx, hreq, CopySource.context(BuildContext.open(dir, DockerIgnore.none())), view));
            }
            return Optional.of(storePlans(ctx, plans));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    /**
     * Stores the plans as one layer, a later entry for a path replacing an earlier one. Plain plans
     * go straight into the tar (no staging copy, no root needed for owners); plans that extract an
     * ADD archive are staged into a directory first (owners need root there).
     */
    static Layer storePlans(StepContext ctx, List<List<CopyEntry>> plans) {
        BuildSession s = ctx.session();
        if (plans.stream().flatMap(List::stream).noneMatch(e -> e.kind() == CopyEntry.Kind.ARCHIVE)) {
            List<LayerEntry> entries = wrap(ctx, () -> layerEntries(plans));
            return s.storeLayer((out, skeleton) -> LayerWriter.writeEntries(entries, s.layerOptions(), out, skeleton));
        }
        Path staging = s.tempDir("copy-");
        try {
            for (List<CopyEntry> p : plans) {
                wrap(ctx, () -> {
                    Stager.stage(new CopyPlan(p), staging);
                    return "";
                });
            }
            return s.storeLayer((out, skeleton) -> LayerWriter.writeTree(staging, s.layerOptions(), out, skeleton));
        } finally {
            BuildSession.deleteTree(staging);
        }
    }

    /** The plans' entries for the layer writer; refuses writing through a symlink the plans create. */
    private static List<LayerEntry> layerEntries(List<List<CopyEntry>> plans) {
        List<LayerEntry> out = new ArrayList<>();
        Set<String> symlinks = new HashSet<>();
        for (CopyEntry e : plans.stream().flatMap(List::stream).toList()) {
            if (e.dest().equals("/")) {
                continue; // the root's metadata is never part of a layer
            }
            for (String d = e.dest().substring(0, e.dest().lastIndexOf('/'));
                    !d.isEmpty();
                    d = d.substring(0, d.lastIndexOf('/'))) {
                if (symlinks.contains(d)) {
                    throw StrataException.stepFailed("refusing to write " + e.dest() + " through the symlink " + d
                            + "; copy to the symlink's target path instead");
                }
            }
            LayerEntry.Type type = switch (e.kind()) {
                case DIRECTORY -> LayerEntry.Type.DIRECTORY;
                case SYMLINK -> LayerEntry.Type.SYMLINK;
                case HARDLINK -> LayerEntry.Type.HARDLINK;
                case FILE -> LayerEntry.Type.FILE;
                case ARCHIVE -> throw new IllegalStateException("archives are staged, not written directly");
            };
            if (type == LayerEntry.Type.SYMLINK) {
                symlinks.add(e.dest());
            }
            Optional<String> link = type == LayerEntry.Type.HARDLINK
                    ? e.linkTarget().map(t -> t.replaceFirst("^/+", ""))
                    : e.linkTarget();
            out.add(new LayerEntry(
                    e.dest().substring(1),
                    type,
                    e.mode(),
                    e.uid(),
                    e.gid(),
                    Math.floorDiv(e.mtimeNanos(), 1_000_000_000L),
                    e.origin().map(o -> o.file()),
                    link));
        }
        return out;
    }

    /** WORKDIR's directories as a plan entry list (written like a COPY layer). */
    static List<CopyEntry> planOf(StepContext ctx, CopyRequest req, CopySource src, ImageView view) {
        return plan(ctx, req, src, view);
    }

    private static List<CopyEntry> plan(StepContext ctx, CopyRequest req, CopySource src, ImageView view) {
        List<List<CopyEntry>> out = new ArrayList<>();
        wrap(ctx, () -> {
            out.add(CopyPlanner.plan(req, src, view, ctx.session().tempDir("fetch-"))
                    .entries());
            return "";
        });
        return out.get(0);
    }

    /** Adds the Dockerfile line to context errors (missing sources, bad --chown, ...). */
    private static <T> T wrap(StepContext ctx, Supplier<T> body) {
        try {
            return body.get();
        } catch (NoSourceFilesException e) {
            throw new StrataException(ExitCode.INPUT, ctx.step().position() + ": " + e.getMessage());
        } catch (StrataException e) {
            if (e.getMessage().startsWith(ctx.step().position().file())) {
                throw e;
            }
            throw new StrataException(
                    e.exitCode(),
                    ctx.step().position() + ": " + ctx.step().expanded().keyword() + " failed: " + e.getMessage(),
                    e);
        }
    }

    private static StrataException missing(StepContext ctx, String why) {
        return StrataException.input(ctx.step().position() + ": COPY --from: " + why + ", there is nothing to copy");
    }

    static CopyRequest request(StepContext ctx) {
        BuildSession s = ctx.session();
        String workdir = ctx.config().config().workingDir().isEmpty()
                ? "/"
                : ctx.config().config().workingDir();
        if (ctx.step().expanded() instanceof CopyInstruction c) {
            return new CopyRequest(
                    false,
                    c.sources(),
                    c.destination(),
                    workdir,
                    c.chown(),
                    c.chmod(),
                    c.excludes(),
                    c.parents(),
                    Optional.empty(),
                    false,
                    Optional.of(s.createdInstant().getEpochSecond()),
                    s.createdInstant());
        }
        AddInstruction a = (AddInstruction) ctx.step().expanded();
        return new CopyRequest(
                true,
                a.sources(),
                a.destination(),
                workdir,
                a.chown(),
                a.chmod(),
                a.excludes(),
                false,
                a.checksum(),
                a.keepGitDir(),
                Optional.of(s.createdInstant().getEpochSecond()),
                s.createdInstant());
    }

    private static List<Heredoc> heredocs(StepContext ctx) {
        return ctx.step().expanded() instanceof CopyInstruction c
                ? c.heredocs()
                : ((AddInstruction) ctx.step().expanded()).heredocs();
    }

    private static Optional<FromSource> from(StepContext ctx) {
        if (!(ctx.step().expanded() instanceof CopyInstruction c) || c.from().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(resolveFrom(ctx, c.from().get()));
    }

    /** A stage by name or index (built first if needed), else an image. */
    static FromSource resolveFrom(StepContext ctx, String from) {
        Optional<Stage> named = ctx.session().plan().dockerfile().stage(from.toLowerCase(Locale.ROOT));
        int index = -1;
        if (named.isPresent()) {
            index = named.get().index();
        } else if (from.matches("[0-9]+")) {
            index = Integer.parseInt(from);
        }
        if (index >= 0) {
            StageResult r = ctx.stages().apply(index);
            return new FromSource("stage " + from, r.layers(), StageRunner.parentState(r.config(), r.layers()));
        }
        Image img = ctx.session()
                .baseImages
                .resolve(from, ctx.config().platform(), ctx.step().position().toString());
        return new FromSource(
                "image " + from, img.layers(), img.manifest().digest().toString());
    }
}
