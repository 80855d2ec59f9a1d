package dev.strata.progress;

import java.time.Duration;
import java.util.Optional;

/** The whole build finished. */
public record BuildDone(Duration elapsed, Optional<String> imageDigest) implements BuildEvent {}
