package dev.strata.dockerfile;

/**
 * A stage based on a {@code --build-context NAME=DIR}: BuildKit makes the stage's root filesystem
 * from the directory's files over an empty config, so the stage is scratch plus those files.
 *
 * @param name the context's lower-case name
 */
public record BaseDirectory(String name) implements StageBase {}
