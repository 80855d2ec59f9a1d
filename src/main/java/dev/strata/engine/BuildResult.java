package dev.strata.engine;

import dev.strata.cache.CacheReport;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import java.time.Duration;
import java.util.List;

/**
 * A finished build: the image (in the local store), its manifest descriptor and config digest, each
 * step's report and what each {@code --cache-to} wrote.
 */
public record BuildResult(
        Image image,
        Descriptor manifest,
        Digest configDigest,
        List<StepReport> steps,
        Duration elapsed,
        List<CacheReport.Export> exports) {
    public BuildResult {
        steps = List.copyOf(steps);
        exports = List.copyOf(exports);
    }

    /** How many filesystem steps came from the cache. */
    public long cachedSteps() {
        return steps.stream().filter(StepReport::cached).count();
    }
}
