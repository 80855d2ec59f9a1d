package dev.strata.engine;

import dev.strata.dockerfile.ExpandedStep;
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.ImageConfig;
import java.util.List;
import java.util.Optional;

/**
 * An instruction that changes only the config (ENV, LABEL, USER, CMD, ARG, ONBUILD, ...), applied
 * by {@link ConfigSteps}; never keyed, never a layer.
 */
final class ConfigStep implements Step {
    private final ExpandedStep step;
    private final StageFlags flags;
    private final List<String> shell;

    /** {@code shell}: the stage's SHELL before the step, for shell-form CMD, ENTRYPOINT, HEALTHCHECK. */
    ConfigStep(ExpandedStep step, StageFlags flags, List<String> shell) {
        this.step = step;
        this.flags = flags;
        this.shell = shell;
    }

    @Override
    public List<String> reads() {
        return List.of();
    }

    /** Applies the instruction once: it records in the stage's flags that a CMD was set. */
    @Override
    public ImageConfig configAfter(ImageConfig before) {
        ConfigEditor e = new ConfigEditor(before.config());
        Optional<String> author = ConfigSteps.apply(step.expanded(), e, flags, shell);
        ImageConfig config = before.withConfig(e.build());
        if (author.isPresent()) {
            config = new ImageConfig(
                    config.created(), author, config.platform(), config.config(), config.diffIds(), config.history());
        }
        return config;
    }

    @Override
    public Optional<String> history(ImageConfig after) {
        return CreatedBy.recorded(step) ? Optional.of(CreatedBy.of(step, after.config())) : Optional.empty();
    }
}
