package dev.strata.dockerfile;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code HEALTHCHECK NONE} (command empty: disables the base image's check) or
 * {@code HEALTHCHECK [--interval --timeout --start-period --start-interval --retries] CMD command}.
 */
public record HealthcheckInstruction(
        Node node,
        Optional<CommandForm> command,
        Optional<Duration> interval,
        Optional<Duration> timeout,
        Optional<Duration> startPeriod,
        Optional<Duration> startInterval,
        Optional<Integer> retries)
        implements Instruction {

    /** True for {@code HEALTHCHECK NONE}. */
    public boolean disabled() {
        return command.isEmpty();
    }

    @Override
    public HealthcheckInstruction expand(Expander x) {
        return this;
    }
}
