package dev.strata.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * What happened to one filesystem step, for {@code --metadata-file}, the cache report and tests:
 * a hit names its {@code source}, a miss its {@code missReason}.
 */
public record StepReport(
        int id,
        String stage,
        String instruction,
        boolean cached,
        Duration elapsed,
        Optional<String> missReason,
        Optional<String> layerDigest,
        Optional<String> source) {}
