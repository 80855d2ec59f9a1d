package dev.strata.engine;

import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import java.util.List;
import java.util.Map;

/**
 * A built stage: its config and layers (base first), and the variables its last instruction left
 * in scope (what a stage built {@code FROM} it starts with).
 */
record StageResult(ImageConfig config, List<Layer> layers, Map<String, String> env) {
    StageResult {
        layers = List.copyOf(layers);
        env = Map.copyOf(env);
    }
}
