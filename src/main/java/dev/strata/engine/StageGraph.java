package dev.strata.engine;

import dev.strata.dockerfile.BuildPlan;
import java.util.List;
import java.util.Optional;

/** The stages a build needs, dependencies first and the target last, with each step's inputs. */
public record StageGraph(BuildPlan plan, List<StageNode> stages) {
    public StageGraph {
        stages = List.copyOf(stages);
    }

    public StageNode target() {
        return stages.get(stages.size() - 1);
    }

    public Optional<StageNode> stage(int index) {
        return stages.stream().filter(s -> s.index() == index).findFirst();
    }
}
