package dev.strata.engine;

import dev.strata.dockerfile.Instruction;
import java.util.List;

/**
 * One instruction of a stage as the stage runner sees it: what kind of step it is and which inputs it
 * reads besides its parent ("context", "stage:NAME", "image:REF", "mount:TYPE:TARGET").
 */
public record PlannedStep(Instruction instruction, Kind kind, List<String> inputs) {
    /** How a step is executed. */
    public enum Kind {
        /** changes only the image config (ENV, LABEL, CMD, ...) */
        CONFIG,
        /** creates the WORKDIR directory when missing, then sets the config */
        WORKDIR,
        RUN,
        COPY,
        ADD
    }

    public PlannedStep {
        inputs = List.copyOf(inputs);
    }

    /** True for steps that can add a layer (and show in the progress output). */
    public boolean filesystem() {
        return kind != Kind.CONFIG;
    }
}
