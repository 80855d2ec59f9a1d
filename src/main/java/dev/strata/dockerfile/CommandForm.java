package dev.strata.dockerfile;

/** The command of RUN, CMD, ENTRYPOINT, HEALTHCHECK: shell form (a string) or exec form (JSON array). */
public sealed interface CommandForm permits ShellForm, ExecForm {
    /** The arguments as the image config stores them, given the stage's shell. */
    java.util.List<String> toArgs(java.util.List<String> shell);
}
