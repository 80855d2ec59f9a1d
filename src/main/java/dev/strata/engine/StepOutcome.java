package dev.strata.engine;

import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.util.Optional;

/** A filesystem step's effect: the config after it, the layer it added (none if nothing changed), its history text. */
record StepOutcome(ImageConfig config, Optional<Layer> layer, String createdBy) {}
