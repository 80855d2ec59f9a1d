package dev.strata.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Test helpers: running a shell line on a rootfs and checking that nothing leaked. */
final class Steps {
    private Steps() {}

    /** The output and result of one step. */
    record Ran(RunResult result, List<String> lines) {
        int exit() {
            return result.exitCode();
        }

        List<Path> upperFiles() {
            try (Stream<Path> s = Files.walk(result.upperDir())) {
                return s.filter(p -> !p.equals(result.upperDir())).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static RunRequest.Builder sh(String script, Path workRoot, List<Path> lowers) {
        return RunRequest.builder(List.of("/bin/sh", "-c", script), workRoot).lowerDirs(lowers);
    }

    static Ran run(Isolation isolation, RunRequest.Builder b) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        RunExecutor ex = RunExecutors.probe(Optional.of(isolation));
        RunResult r = ex.run(b.output(lines::add).build());
        return new Ran(r, lines);
    }
}
