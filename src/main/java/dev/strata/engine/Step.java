package dev.strata.engine;

import dev.strata.oci.ImageConfig;
import java.util.List;
import java.util.Optional;

/**
 * One instruction of a stage, expanded, as the stage runner executes it: what it reads besides its
 * parent, how it changes the config and what history text it leaves. Steps that touch the
 * filesystem ({@link FilesystemStep}) are also keyed and run; the rest change only the config.
 * {@link StageRunner} makes one per instruction and hands it only the services it uses.
 */
sealed interface Step permits ConfigStep, FilesystemStep {
    /** What the step reads besides its parent ("context", "from:NAME", "mount:TYPE:TARGET"). */
    List<String> reads();

    /** The config once the step applied to {@code before}, the parent's. */
    ImageConfig configAfter(ImageConfig before);

    /** The history {@code created_by} text; empty when the step records no history entry (ONBUILD). */
    Optional<String> history(ImageConfig after);
}
