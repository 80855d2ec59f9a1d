package dev.strata.cli;

import dev.strata.engine.OutputSpec;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --output dest=-}: the engine writes a path, so the export goes to a temp file that is
 * copied to stdout after the build (the progress is on stderr, so stdout carries only the tar).
 */
final class StdoutOutput {
    private Optional<Path> file = Optional.empty();

    /** The outputs with a {@code dest=-} replaced by a temp file; at most one may ask for stdout. */
    List<OutputSpec> resolve(List<OutputSpec> outputs) {
        List<OutputSpec> out = new ArrayList<>();
        for (OutputSpec o : outputs) {
            if (!o.toStdout()) {
                out.add(o);
                continue;
            }
            if (file.isPresent()) {
                throw StrataException.input("--output: only one output can go to stdout (dest=-)");
            }
            try {
                Path tmp = Files.createTempFile("strata-output-", ".tar");
                tmp.toFile().deleteOnExit();
                file = Optional.of(tmp);
            } catch (IOException e) {
                throw StrataException.environment("cannot create a temp file for --output -: " + e.getMessage(), e);
            }
            out.add(o.withDest(file.get()));
        }
        return out;
    }

    /** Copies the stdout export (if any) to {@code out} and removes its temp file. */
    void copyTo(OutputStream out) {
        if (file.isEmpty()) {
            return;
        }
        try {
            Files.copy(file.get(), out);
            out.flush();
            Files.deleteIfExists(file.get());
        } catch (IOException e) {
            throw StrataException.environment("cannot write --output to stdout: " + e.getMessage(), e);
        }
    }
}
