package dev.strata.dockerfile;

/** A stage based on an earlier stage of the same Dockerfile. */
public record BaseStage(int index) implements StageBase {}
