package dev.strata.engine;

import dev.strata.context.BuildContext;
import dev.strata.context.CopyEntry;
import dev.strata.context.CopyPlanner;
import dev.strata.context.CopyRequest;
import dev.strata.context.CopySource;
import dev.strata.context.DockerIgnore;
import dev.strata.context.ImageView;
import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.Instruction;
import dev.strata.error.StrataException;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * COPY and ADD: the context planner's plan (of the context, another stage or an image, and the
 * here-documents) becomes the layer, written by {@link CopyLayer}. The key holds the digest of what
 * the sources resolve to, so a changed file misses and an untouched one hits.
 */
final class CopyStep implements FilesystemStep {
    private final StepContext ctx;
    private final LayerWorkspace ws;
    private final ContextFiles files;
    private final FromSources sources;
    private final CopyRequest request;
    private final List<Heredoc> heredocs;
    private final Optional<String> from;

    CopyStep(StepContext ctx, LayerWorkspace ws, ContextFiles files, FromSources sources) {
        this.ctx = ctx;
        this.ws = ws;
        this.files = files;
        this.sources = sources;
        this.request = request(ctx, ws);
        if (ctx.step().expanded() instanceof CopyInstruction c) {
            this.heredocs = c.heredocs();
            this.from = c.from();
        } else {
            this.heredocs = ((AddInstruction) ctx.step().expanded()).heredocs();
            this.from = Optional.empty();
        }
    }

    /** What a COPY or ADD reads besides its parent: the context, or the {@code --from} stage or image. */
    static List<String> reads(Instruction ins) {
        return ins instanceof CopyInstruction c
                ? List.of(c.from().map(f -> "from:" + f).orElse("context"))
                : List.of("context");
    }

    @Override
    public List<String> reads() {
        return reads(ctx.step().expanded());
    }

    @Override
    public ImageConfig configAfter(ImageConfig before) {
        return before;
    }

    @Override
    public Optional<String> history(ImageConfig after) {
        return Optional.of(CreatedBy.of(ctx.step(), after.config()));
    }

    @Override
    public Map<String, String> keyInputs() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!request.sources().isEmpty()) {
            Optional<FromSources.FromSource> src = fromSource();
            if (src.isPresent()) {
                try (MergedRootfs merged = ws.merged(src.get().layers())) {
                    CopySource cs = merged.root()
                            .map(r -> CopySource.rootfs(r, src.get().name()))
                            .orElseThrow(() -> missing("the stage " + src.get().name() + " is empty"));
                    m.put(
                            "file:" + request.dest(),
                            CopyLayer.withLine(
                                    ctx.step(),
                                    () -> CopyPlanner.sourceDigest(request, cs, files.hasher(), Optional.empty())
                                            .toString()));
                }
            } else {
                m.put(
                        "file:" + request.dest(),
                        CopyLayer.withLine(
                                ctx.step(),
                                () -> CopyPlanner.sourceDigest(
                                                request,
                                                CopySource.context(sourceContext()),
                                                files.hasher(),
                                                Optional.of(ws.tempDir("fetch-")))
                                        .toString()));
            }
        }
        for (Heredoc h : heredocs) {
            m.put("heredoc:" + h.name(), StageRunner.hashed(h.content()));
        }
        return m;
    }

    /**
     * For {@code COPY --from}: the source's state (a stage's layer diffIDs and config, an image's
     * manifest digest) in place of the copied files' digest. The instruction text names the paths
     * and options, so equal inputs copy equal files; a source rebuilt into other layers with the
     * same files misses here and still hits by the content key.
     */
    @Override
    public Optional<Map<String, String>> aliasInputs() {
        if (from.isEmpty() || request.sources().isEmpty() || namedDirectory().isPresent()) {
            return Optional.empty();
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("from:" + request.dest(), fromSource().orElseThrow().state());
        for (Heredoc h : heredocs) {
            m.put("heredoc:" + h.name(), StageRunner.hashed(h.content()));
        }
        return Optional.of(m);
    }

    @Override
    public Optional<Layer> run() {
        List<List<CopyEntry>> plans = new ArrayList<>();
        List<MergedRootfs> open = new ArrayList<>();
        try {
            // the parent image, read from its unpacked layers without a mount
            ImageView view = ws.parentView(ctx.layers());
            if (!request.sources().isEmpty()) {
                Optional<FromSources.FromSource> src = fromSource();
                if (src.isPresent()) {
                    // the source stays mounted until the layer is written: the plan points at its files
                    MergedRootfs merged = ws.merged(src.get().layers());
                    open.add(merged);
                    CopySource cs = merged.root()
                            .map(r -> CopySource.rootfs(r, src.get().name()))
                            .orElseThrow(() -> missing("the stage " + src.get().name() + " is empty"));
                    plans.add(plan(request, cs, view));
                } else {
                    plans.add(plan(request, CopySource.context(sourceContext()), view));
                }
            }
            if (!heredocs.isEmpty()) {
                plans.add(heredocPlan(view));
            }
            return Optional.of(CopyLayer.write(ctx.step(), ws, plans));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    /** The here-documents as files of a directory of their own, copied like context files. */
    private List<CopyEntry> heredocPlan(ImageView view) {
        Path dir = ws.tempDir("heredoc-");
        ScratchFiles.setMode(dir, 0755);
        List<String> names = new ArrayList<>();
        for (Heredoc h : heredocs) {
            Path f = dir.resolve(h.name());
            try {
                Files.writeString(f, h.content(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw StrataException.environment("cannot write the heredoc " + h.name() + ": " + e.getMessage(), e);
            }
            ScratchFiles.setMode(f, 0644);
            names.add(h.name());
        }
        CopyRequest hreq = new CopyRequest(
                request.add(),
                names,
                request.dest(),
                request.workdir(),
                request.chown(),
                request.chmod(),
                List.of(),
                false,
                Optional.empty(),
                false,
                request.sourceDateEpoch(),
                request.createdAt());
        return plan(hreq, CopySource.context(BuildContext.open(dir, DockerIgnore.none())), view);
    }

    private List<CopyEntry> plan(CopyRequest req, CopySource src, ImageView view) {
        return CopyLayer.withLine(
                ctx.step(),
                () -> CopyPlanner.plan(req, src, view, ws.tempDir("fetch-")).entries());
    }

    /** The {@code --build-context NAME=DIR} that {@code --from} names, read like the build context. */
    private Optional<BuildContext> namedDirectory() {
        return from.flatMap(sources::directory);
    }

    private BuildContext sourceContext() {
        return namedDirectory().orElse(files.context());
    }

    private Optional<FromSources.FromSource> fromSource() {
        if (namedDirectory().isPresent()) {
            return Optional.empty();
        }
        return from.map(f -> sources.resolve(
                f, ctx.config().platform(), ctx.step().position().toString()));
    }

    private StrataException missing(String why) {
        return StrataException.input(ctx.step().position() + ": COPY --from: " + why + ", there is nothing to copy");
    }

    private static CopyRequest request(StepContext ctx, LayerWorkspace ws) {
        String workdir = ctx.config().config().workingDir().isEmpty()
                ? "/"
                : ctx.config().config().workingDir();
        Optional<Long> epoch = Optional.of(ws.createdInstant().getEpochSecond());
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
                    epoch,
                    ws.createdInstant());
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
                epoch,
                ws.createdInstant());
    }
}
