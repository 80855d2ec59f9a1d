package dev.strata.engine;

import dev.strata.context.BuildContext;
import dev.strata.context.CopyPlan;
import dev.strata.context.CopyPlanner;
import dev.strata.context.CopyRequest;
import dev.strata.context.CopySource;
import dev.strata.context.DockerIgnore;
import dev.strata.context.FileType;
import dev.strata.context.ImageView;
import dev.strata.dockerfile.WorkdirInstruction;
import dev.strata.error.StrataException;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One executor per kind of filesystem step: its inputs for the key, its config effect, running it. */
final class StepExecutors {
    private StepExecutors() {}

    static StageRunner.SortedInputs inputs(PlannedStep.Kind kind, StepContext ctx) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("platform", ctx.config().platform().toString());
        switch (kind) {
            case RUN -> RunStep.inputs(ctx, m);
            case COPY, ADD -> CopyStep.inputs(ctx, m);
            default -> {
                // WORKDIR: the parent state and the path (in the instruction) say it all
            }
        }
        return StageRunner.SortedInputs.of(m);
    }

    static ImageConfig configAfter(PlannedStep.Kind kind, StepContext ctx) {
        if (kind == PlannedStep.Kind.WORKDIR) {
            ConfigEditor e = new ConfigEditor(ctx.config().config());
            e.workingDir = workdirPath(ctx);
            return ctx.config().withConfig(e.build());
        }
        return ctx.config();
    }

    static String createdBy(PlannedStep.Kind kind, StepContext ctx, boolean layer) {
        return kind == PlannedStep.Kind.RUN
                ? CreatedBy.run(ctx.step(), RunStep.argv(ctx))
                : CreatedBy.of(ctx.step(), configAfter(kind, ctx).config());
    }

    static Optional<Layer> execute(PlannedStep.Kind kind, StepContext ctx) {
        return switch (kind) {
            case RUN -> RunStep.execute(ctx);
            case COPY, ADD -> CopyStep.execute(ctx);
            case WORKDIR -> workdir(ctx);
            case CONFIG -> throw new IllegalStateException("config steps are not executed");
        };
    }

    static void setMode(Path p, int mode) {
        try {
            Files.setAttribute(p, "unix:mode", mode);
        } catch (IOException e) {
            throw StrataException.environment("cannot chmod " + p + ": " + e.getMessage(), e);
        }
    }

    private static String workdirPath(StepContext ctx) {
        return ConfigSteps.workdir(
                ctx.config().config().workingDir(),
                ((WorkdirInstruction) ctx.step().expanded()).path());
    }

    /** Docker creates a missing WORKDIR (with its parents) in its own layer; an existing one adds nothing. */
    private static Optional<Layer> workdir(StepContext ctx) {
        String path = workdirPath(ctx);
        BuildSession s = ctx.session();
        {
            ImageView view = ParentView.of(s, ctx.layers());
            if (path.equals("/")
                    || view.lstat(path).map(e -> e.type() == FileType.DIRECTORY).orElse(false)) {
                return Optional.empty();
            }
            Path empty = s.tempDir("workdir-src-");
            // the created directory takes its source directory's mode: docker's 0755
            setMode(empty, 0755);

            CopyRequest req = CopyRequest.copy(path + "/", ".")
                    .withSourceDateEpoch(s.createdInstant().getEpochSecond())
                    .withCreatedAt(s.createdInstant());
            // BuildKit makes the directories as the stage's USER
            String user = ctx.config().config().user();
            if (!user.isEmpty()) {
                req = req.withChown(user);
            }
            CopyPlan plan =
                    CopyPlanner.plan(req, CopySource.context(BuildContext.open(empty, DockerIgnore.none())), view);
            Layer layer = CopyStep.storePlans(ctx, List.of(plan.entries()));
            BuildSession.deleteTree(empty);
            return Optional.of(layer);
        }
    }
}
