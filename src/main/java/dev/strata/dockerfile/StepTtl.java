package dev.strata.dockerfile;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's expiry, from a {@code # strata:ttl=24h} comment on the line(s) just above it: once the
 * step's cache record is older than {@code duration}, the record counts as a miss. A comment, so
 * docker and other builders ignore it and the Dockerfile stays portable.
 *
 * @param text the duration as written ({@code 24h}), for the miss reason
 */
public record StepTtl(Duration duration, String text) {
    private static final Pattern VALUE = Pattern.compile("([0-9]+)([smhdw])");

    public StepTtl {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a ttl cannot be negative");
        }
    }

    /**
     * {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}: a number and one unit; empty when
     * {@code value} is not one (the caller names the file, line or flag).
     */
    public static Optional<StepTtl> parse(String value) {
        Matcher m = VALUE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(n);
        };
        return Optional.of(new StepTtl(d, m.group(0)));
    }
}
