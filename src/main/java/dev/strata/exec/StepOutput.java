package dev.strata.exec;

import dev.strata.error.StrataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Reads a RUN step's merged output line by line until it ends, then waits for its exit code. */
final class StepOutput {
    private StepOutput() {}

    static int pump(Process p, Consumer<String> output) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.accept(line);
            }
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while running the RUN step");
        }
    }
}
