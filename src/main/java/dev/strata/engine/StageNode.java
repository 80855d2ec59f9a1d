package dev.strata.engine;

import dev.strata.dockerfile.ResolvedStage;
import java.util.List;

/** One stage of the step graph: the resolved stage, the stages it waits for, and its steps. */
public record StageNode(ResolvedStage stage, List<Integer> dependencies, List<PlannedStep> steps) {
    public StageNode {
        dependencies = List.copyOf(dependencies);
        steps = List.copyOf(steps);
    }

    public int index() {
        return stage.index();
    }

    /** The name shown in progress lines: the stage name, else "stage-N" like BuildKit. */
    public String displayName() {
        return stage.stage().name().orElse("stage-" + stage.index());
    }
}
