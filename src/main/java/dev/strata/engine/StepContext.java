package dev.strata.engine;

import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.StageScope;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.util.List;
import java.util.function.IntFunction;

/** What a filesystem step's executor sees: the build, the step, the parent's config and layers, the scope. */
record StepContext(
        BuildSession session,
        ExpandedStep step,
        ImageConfig config,
        List<Layer> layers,
        StageScope scope,
        IntFunction<StageResult> stages,
        int id) {}
