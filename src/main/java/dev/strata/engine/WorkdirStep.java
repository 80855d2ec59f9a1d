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
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WORKDIR: sets the config's working directory and, like docker, creates a missing one (with its
 * parents) in a layer of its own; an existing one adds nothing. The parent state and the path (in
 * the instruction text) are the whole key.
 */
final class WorkdirStep implements FilesystemStep {
    private final StepContext ctx;
    private final LayerWorkspace ws;
    private final String path;

    WorkdirStep(StepContext ctx, WorkdirInstruction w, LayerWorkspace ws) {
        this.ctx = ctx;
        this.ws = ws;
        this.path = ConfigSteps.workdir(ctx.config().config().workingDir(), w.path());
    }

    @Override
    public List<String> reads() {
        return List.of();
    }

    @Override
    public ImageConfig configAfter(ImageConfig before) {
        ConfigEditor e = new ConfigEditor(before.config());
        e.workingDir = path;
        return before.withConfig(e.build());
    }

    @Override
    public Optional<String> history(ImageConfig after) {
        return Optional.of(CreatedBy.of(ctx.step(), after.config()));
    }

    @Override
    public Map<String, String> keyInputs() {
        return Map.of();
    }

    @Override
    public Optional<Layer> run() {
        ImageView view = ws.parentView(ctx.layers());
        if (path.equals("/")
                || view.lstat(path).map(e -> e.type() == FileType.DIRECTORY).orElse(false)) {
            return Optional.empty();
        }
        Path empty = ws.tempDir("workdir-src-");
        // the created directory takes its source directory's mode: docker's 0755
        ScratchFiles.setMode(empty, 0755);
        CopyRequest req = CopyRequest.copy(path + "/", ".")
                .withSourceDateEpoch(ws.createdInstant().getEpochSecond())
                .withCreatedAt(ws.createdInstant());
        // BuildKit makes the directories as the stage's USER
        String user = ctx.config().config().user();
        if (!user.isEmpty()) {
            req = req.withChown(user);
        }
        CopyPlan plan = CopyPlanner.plan(req, CopySource.context(BuildContext.open(empty, DockerIgnore.none())), view);
        Layer layer = CopyLayer.write(ctx.step(), ws, List.of(plan.entries()));
        ScratchFiles.deleteTree(empty);
        return Optional.of(layer);
    }
}
