package dev.strata.progress;

/** The step failed with {@code error}. */
public record StepFailed(int id, String error) implements BuildEvent {}
