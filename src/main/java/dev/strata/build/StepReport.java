package dev.strata.build;

import java.time.Duration;
import java.util.Optional;

/** What happened to one filesystem step, for {@code --metadata-file} and tests. */
public record StepReport(int id, String stage, String instruction, boolean cached, Duration elapsed,
        Optional<String> missReason, Optional<String> layerDigest) {
}
