package dev.strata.dockerfile;

/** The {@code type=} of {@code RUN --mount}. */
public enum MountType {
    BIND, CACHE, TMPFS, SECRET, SSH;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
