package dev.strata.progress;

/** Receives build events; implementations must be thread-safe since stages run in parallel. */
public interface ProgressListener {
    void on(BuildEvent event);
}
