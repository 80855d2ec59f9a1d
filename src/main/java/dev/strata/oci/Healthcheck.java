package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A HEALTHCHECK as the image config holds it. {@code test} is {@code ["NONE"]},
 * {@code ["CMD", args…]} or {@code ["CMD-SHELL", command]}; durations are nanoseconds, 0 meaning
 * "inherit the default".
 */
public record Healthcheck(
        List<String> test,
        long intervalNanos,
        long timeoutNanos,
        long startPeriodNanos,
        long startIntervalNanos,
        int retries) {

    public Healthcheck {
        test = List.copyOf(test);
    }

    static Healthcheck fromJson(JsonNode n) {
        return new Healthcheck(
                OciJson.strings(n.get("Test")),
                n.path("Interval").asLong(),
                n.path("Timeout").asLong(),
                n.path("StartPeriod").asLong(),
                n.path("StartInterval").asLong(),
                n.path("Retries").asInt());
    }

    ObjectNode toJson() {
        ObjectNode n = OciJson.object();
        OciJson.putStrings(n, "Test", test);
        if (intervalNanos != 0) {
            n.put("Interval", intervalNanos);
        }
        if (timeoutNanos != 0) {
            n.put("Timeout", timeoutNanos);
        }
        if (startPeriodNanos != 0) {
            n.put("StartPeriod", startPeriodNanos);
        }
        if (startIntervalNanos != 0) {
            n.put("StartInterval", startIntervalNanos);
        }
        if (retries != 0) {
            n.put("Retries", retries);
        }
        return n;
    }
}
