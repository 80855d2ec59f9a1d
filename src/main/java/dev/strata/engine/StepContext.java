package dev.strata.engine;

import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.StageScope;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.util.List;

/** A filesystem step and its parent: the expanded step, the parent's config and layers, the scope, its id. */
record StepContext(ExpandedStep step, ImageConfig config, List<Layer> layers, StageScope scope, int id) {
    StepContext {
        layers = List.copyOf(layers);
    }
}
