package dev.strata.archive;

import java.time.Instant;
import java.util.Optional;

/**
 * How to write a layer: compression, an optional SOURCE_DATE_EPOCH that clamps mtimes, and the
 * number of compression threads (the output does not depend on it).
 */
public record LayerOptions(Compression compression, Optional<Instant> sourceDateEpoch, int threads) {
    public LayerOptions {
        if (threads < 1) {
            threads = 1;
        }
    }

    /** GZIP, no epoch, one thread per processor. */
    public static LayerOptions defaults() {
        return new LayerOptions(
                Compression.GZIP, Optional.empty(), Runtime.getRuntime().availableProcessors());
    }
}
