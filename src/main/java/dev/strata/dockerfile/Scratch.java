package dev.strata.dockerfile;

/** {@code FROM scratch}: an empty filesystem and config. */
public record Scratch() implements StageBase {}
