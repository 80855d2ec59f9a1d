package dev.strata.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a step's record stays a hit: once older than {@code duration} (by {@link CacheRecord#built()}),
 * it counts as a miss and the step runs again. For non-hermetic steps ({@code apt-get update}, a
 * download of "latest") whose inputs never change while their result should.
 *
 * @param text the duration as the user wrote it ({@code 24h}), repeated in the miss reason
 */
public record Ttl(Duration duration, String text) {
    public Ttl {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a ttl cannot be negative");
        }
    }

    /** {@code 24h}, {@code 7d}: as {@link CacheRetention#parseAge}; a usage error names {@code what}. */
    public static Ttl parse(String value, String what) {
        return new Ttl(CacheRetention.parseAge(value, what), value.trim());
    }

    /**
     * Why {@code r} no longer counts at {@code now}, as the miss reason says it
     * ({@code record is 26h old, ttl 24h}); empty while it is young enough. A record without a build
     * time (made by an older strata, or by a build with no ttl for the step) has no known age, so it
     * expires: the step runs once and its new record carries one.
     */
    public Optional<String> expired(CacheRecord r, Instant now) {
        if (r.built().isEmpty()) {
            return Optional.of("record has no build time (made without a ttl), ttl " + text);
        }
        Duration age = Duration.between(r.built().get(), now);
        if (age.compareTo(duration) <= 0) {
            return Optional.empty();
        }
        return Optional.of("record is " + words(age) + " old, ttl " + text);
    }

    /** An age in one unit, rounded down: 45s, 12m, 26h, 9d. */
    static String words(Duration age) {
        long s = age.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return age.toMinutes() + "m";
        }
        if (age.toHours() < 72) {
            return age.toHours() + "h";
        }
        return age.toDays() + "d";
    }
}
