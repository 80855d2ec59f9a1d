package dev.strata.progress;

/** A message not tied to a step. */
public record Notice(String text) implements BuildEvent {}
