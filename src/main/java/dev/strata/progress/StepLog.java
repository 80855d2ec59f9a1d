package dev.strata.progress;

/** One line of a step's output. */
public record StepLog(int id, String line) implements BuildEvent {}
