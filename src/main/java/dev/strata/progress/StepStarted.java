package dev.strata.progress;

import java.time.Instant;

/** A step began; index is 1-based within its stage of {@code total} steps. */
public record StepStarted(int id, String stage, int index, int total, String instruction, Instant at)
        implements BuildEvent {}
