package dev.strata.engine;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import java.time.Duration;
import java.util.List;

/** A finished build: the image (in the local store), its manifest descriptor and config digest, and each step's report. */
public record BuildResult(
        Image image, Descriptor manifest, Digest configDigest, List<StepReport> steps, Duration elapsed) {
    public BuildResult {
        steps = List.copyOf(steps);
    }

    /** How many filesystem steps came from the cache. */
    public long cachedSteps() {
        return steps.stream().filter(StepReport::cached).count();
    }
}
