package dev.strata.engine;

/** Per-stage facts docker tracks while dispatching instructions (not part of the image config). */
final class StageFlags {
    /** Whether a CMD was given in this stage, so that a later ENTRYPOINT keeps it. */
    boolean cmdSet;
}
