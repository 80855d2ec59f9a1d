package dev.strata.dockerfile;

/** What a stage starts from: an image reference, an earlier stage, a directory context, or nothing ({@code scratch}). */
public sealed interface StageBase permits BaseImage, BaseStage, BaseDirectory, Scratch {}
