package dev.strata.progress;

import java.time.Duration;
import java.util.Optional;

/** The step finished; missReason says why the cache could not be used, when it was consulted. */
public record StepDone(int id, Duration elapsed, Optional<String> missReason) implements BuildEvent {}
