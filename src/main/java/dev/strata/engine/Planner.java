package dev.strata.engine;

import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.Mount;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.RunInstruction;
import dev.strata.dockerfile.WorkdirInstruction;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Dockerfile's resolved plan (only the stages the target reaches) into the scheduler's stage
 * graph: one node per stage, each step classified and its outside inputs named.
 */
public final class Planner {
    private Planner() {}

    public static StageGraph plan(BuildPlan plan) {
        List<StageNode> nodes = new ArrayList<>();
        for (ResolvedStage rs : plan.stages()) {
            List<PlannedStep> steps = new ArrayList<>();
            for (Instruction ins : rs.stage().instructions()) {
                steps.add(classify(ins));
            }
            nodes.add(new StageNode(rs, rs.dependencies(), steps));
        }
        return new StageGraph(plan, nodes);
    }

    static PlannedStep classify(Instruction ins) {
        if (ins instanceof RunInstruction r) {
            List<String> inputs = new ArrayList<>();
            for (Mount m : r.mounts()) {
                inputs.add("mount:" + m.type().text() + ":" + m.target().orElse(m.id().orElse(""))
                        + m.from().map(f -> ":from=" + f).orElse(""));
            }
            return new PlannedStep(ins, PlannedStep.Kind.RUN, inputs);
        }
        if (ins instanceof CopyInstruction c) {
            return new PlannedStep(
                    ins,
                    PlannedStep.Kind.COPY,
                    List.of(c.from().map(f -> "from:" + f).orElse("context")));
        }
        if (ins instanceof AddInstruction) {
            return new PlannedStep(ins, PlannedStep.Kind.ADD, List.of("context"));
        }
        if (ins instanceof WorkdirInstruction) {
            return new PlannedStep(ins, PlannedStep.Kind.WORKDIR, List.of());
        }
        return new PlannedStep(ins, PlannedStep.Kind.CONFIG, List.of());
    }
}
