package dev.strata.engine;

import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.Instruction;
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

    /** Which kind of step {@code ins} is; {@link StageRunner} makes the matching {@link Step}. */
    static PlannedStep classify(Instruction ins) {
        if (ins instanceof RunInstruction r) {
            return new PlannedStep(ins, true, RunStep.reads(r));
        }
        if (ins instanceof CopyInstruction || ins instanceof AddInstruction) {
            return new PlannedStep(ins, true, CopyStep.reads(ins));
        }
        return new PlannedStep(ins, ins instanceof WorkdirInstruction, List.of());
    }
}
