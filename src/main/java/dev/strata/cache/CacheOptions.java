package dev.strata.cache;

import java.util.List;

/**
 * Where a build imports cache records from ({@code --cache-from}, looked up after the local store,
 * in order) and where it exports them to ({@code --cache-to}).
 */
public record CacheOptions(List<CacheSpec> from, List<CacheSpec> to) {
    public CacheOptions {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    public static CacheOptions none() {
        return new CacheOptions(List.of(), List.of());
    }
}
