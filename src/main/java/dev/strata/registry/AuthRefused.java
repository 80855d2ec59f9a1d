package dev.strata.registry;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;

/** A token service refused the credentials (or anonymous access): login turns it into its own message. */
final class AuthRefused extends StrataException {
    private static final long serialVersionUID = 1L;

    AuthRefused(String message) {
        super(ExitCode.REGISTRY, message);
    }
}
