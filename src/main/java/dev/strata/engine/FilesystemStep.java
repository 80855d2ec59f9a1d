package dev.strata.engine;

import dev.strata.oci.Layer;
import java.util.Map;
import java.util.Optional;

/**
 * A step that may add a layer (RUN, COPY/ADD, WORKDIR): keyed by its parent state, its text and
 * {@link #keyInputs()}, then reused from a cache or {@link #run()}.
 */
sealed interface FilesystemStep extends Step permits RunStep, CopyStep, WorkdirStep {
    /**
     * The key's inputs besides the parent state, the instruction text and the platform (which the
     * runner adds for every step), by name; the runner sorts them.
     */
    Map<String, String> keyInputs();

    /**
     * Inputs of a second key naming the same result that costs no file read, looked up first: a
     * {@code COPY --from} keyed by its source's layers, so a cache hit never downloads them. Empty
     * for a step whose inputs are cheap anyway.
     */
    default Optional<Map<String, String>> aliasInputs() {
        return Optional.empty();
    }

    /** Runs the step: the layer it adds, none if it changed nothing. */
    Optional<Layer> run();
}
