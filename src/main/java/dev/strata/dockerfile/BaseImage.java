package dev.strata.dockerfile;

/** A stage based on an image reference (expanded, as written: {@code python:3.7-slim}). */
public record BaseImage(String reference) implements StageBase {}
