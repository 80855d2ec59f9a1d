package dev.strata.engine;

import dev.strata.dockerfile.Instruction;
import java.util.List;

/**
 * One instruction of a stage as the plan sees it, before expansion: whether it is a filesystem
 * step (keyed, may add a layer, shown in the progress output) and which inputs it reads besides its
 * parent (see {@link Step#reads()}).
 */
public record PlannedStep(Instruction instruction, boolean filesystem, List<String> reads) {
    public PlannedStep {
        reads = List.copyOf(reads);
    }
}
