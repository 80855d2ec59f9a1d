package dev.strata.progress;

/** The step's result was reused from {@code source} ("local", "registry:..."). */
public record StepCached(int id, String source) implements BuildEvent {}
