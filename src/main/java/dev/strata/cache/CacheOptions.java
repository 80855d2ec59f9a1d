package dev.strata.cache;

import java.time.Clock;
import java.util.List;

/**
 * Where a build imports cache records from ({@code --cache-from}, looked up after the local store,
 * in order) and where it exports them to ({@code --cache-to}).
 *
 * @param clock whose day an export writes as the last-used day of the records (retention reads it), and
 *              whose time a step with a ttl is built at and its record's age is measured by
 * @param ttls  {@code --cache-ttl}: when RUN records expire unless a step's comment says otherwise
 */
public record CacheOptions(List<CacheSpec> from, List<CacheSpec> to, Clock clock, TtlPolicy ttls) {
    public CacheOptions {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    public CacheOptions(List<CacheSpec> from, List<CacheSpec> to, Clock clock) {
        this(from, to, clock, TtlPolicy.none());
    }

    /** The same, with {@code policy} as {@code --cache-ttl}. */
    public CacheOptions withTtls(TtlPolicy policy) {
        return new CacheOptions(from, to, clock, policy);
    }

    /** Exports mark records used on the system clock's day. */
    public CacheOptions(List<CacheSpec> from, List<CacheSpec> to) {
        this(from, to, Clock.systemUTC());
    }

    public static CacheOptions none() {
        return new CacheOptions(List.of(), List.of());
    }
}
