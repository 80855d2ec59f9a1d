package dev.strata.dockerfile;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as HEALTHCHECK takes them: {@code 1h30m}, {@code 10s}, {@code 1.5s}, {@code 500ms}. */
final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h)");

    private Durations() {}

    static Optional<Duration> parse(String text) {
        if (text.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return Optional.empty();
            }
            double n = Double.parseDouble(m.group(1));
            nanos += n
                    * switch (m.group(2)) {
                        case "ns" -> 1d;
                        case "us", "µs" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        default -> 3600e9;
                    };
            at = m.end();
        }
        return at == 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) nanos));
    }
}
