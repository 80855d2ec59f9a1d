package dev.strata.progress;

/**
 * What the build took from cache: {@code hits} of {@code total} steps, and {@code text}, the cache
 * report as lines ("#3 MISS COPY ... (file ... changed)"), shown at the end of plain and tty output.
 */
public record CacheSummary(long hits, int total, String text) implements BuildEvent {}
