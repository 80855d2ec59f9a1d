package dev.strata.cache;

/** Somewhere cached step results are written to. */
public interface CacheSink {
    void add(CacheRecord record);

    void flush();
}
