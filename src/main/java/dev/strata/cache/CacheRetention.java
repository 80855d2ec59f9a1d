package dev.strata.cache;

import dev.strata.error.StrataException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much an exported cache keeps of what earlier builds put there ({@code --cache-to
 * ...,max-age=14d,max-size=10g}): records unused for longer than {@code maxAge} go, then the least
 * recently used beyond {@code maxSize} bytes of blobs. The records of the build exporting are never
 * dropped, whatever their size.
 */
public record CacheRetention(Duration maxAge, long maxSize) {
    /** Two weeks and 10 GiB: a team's branches of the last sprint, and well under any registry quota. */
    public static final CacheRetention DEFAULT = new CacheRetention(Duration.ofDays(14), 10L << 30);

    private static final Pattern AGE = Pattern.compile("([0-9]+)([smhdw])");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([kmgt]?)(i?b)?");

    public CacheRetention {
        if (maxAge.isNegative() || maxSize < 0) {
            throw new IllegalArgumentException("a retention bound cannot be negative");
        }
    }

    public CacheRetention withMaxAge(Duration age) {
        return new CacheRetention(age, maxSize);
    }

    public CacheRetention withMaxSize(long size) {
        return new CacheRetention(maxAge, size);
    }

    /** {@code 30m}, {@code 12h}, {@code 14d}, {@code 2w}; a usage error names {@code what}. */
    public static Duration parseAge(String value, String what) {
        Matcher m = AGE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw StrataException.input(
                    what + ": '" + value + "' is not an age; use a number and s, m, h, d or w, as in 14d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@code 500m}, {@code 10g}, {@code 10GiB}, {@code 1048576}: bytes, binary multiples. */
    public static long parseSize(String value, String what) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw StrataException.input(
                    what + ": '" + value + "' is not a size; use a number of bytes or k, m, g, t, as in 10g");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** As {@code cache inspect} prints it: "max-age=14d,max-size=10g". */
    public String describe() {
        long days = maxAge.toDays();
        String age = maxAge.equals(Duration.ofDays(days)) ? days + "d" : maxAge.toSeconds() + "s";
        return "max-age=" + age + ",max-size=" + sizeWord(maxSize);
    }

    private static String sizeWord(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        for (int i = 0; i < units.length; i++) {
            int shift = 40 - 10 * i;
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
