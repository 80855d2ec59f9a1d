package dev.strata.cache;

import java.time.Clock;
import java.util.List;

/**
 * Where a build imports cache records from ({@code --cache-from}, looked up after the local store,
 * in order) and where it exports them to ({@code --cache-to}).
 *
 * @param clock whose day an export writes as the last-used day of the records (retention reads it)
 */
public record CacheOptions(List<CacheSpec> from, List<CacheSpec> to, Clock clock) {
    public CacheOptions {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    /** Exports mark records used on the system clock's day. */
    public CacheOptions(List<CacheSpec> from, List<CacheSpec> to) {
        this(from, to, Clock.systemUTC());
    }

    public static CacheOptions none() {
        return new CacheOptions(List.of(), List.of());
    }
}
