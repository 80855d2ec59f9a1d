package dev.strata.dockerfile;

import java.util.Locale;

/** The {@code type=} of {@code RUN --mount}. */
public enum MountType {
    BIND,
    CACHE,
    TMPFS,
    SECRET,
    SSH;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
