package dev.strata.dockerfile;

import java.util.List;

/** The command of RUN, CMD, ENTRYPOINT, HEALTHCHECK: shell form (a string) or exec form (JSON array). */
public sealed interface CommandForm permits ShellForm, ExecForm {
    /** The arguments as the image config stores them, given the stage's shell. */
    List<String> toArgs(List<String> shell);
}
