package dev.strata.progress;

/** Something that happened during a build, in the order the engine reports it. */
public sealed interface BuildEvent
        permits StepStarted, StepLog, StepCached, StepDone, StepFailed, BuildDone, Notice, CacheSummary, BlobProgress {}
