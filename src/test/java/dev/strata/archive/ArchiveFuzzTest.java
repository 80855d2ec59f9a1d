package dev.strata.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.strata.error.StrataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Jazzer fuzz tests of the tar readers a registry or cache feeds: layer extraction and skeleton
 * making on arbitrary bytes may only fail with {@link StrataException}, and extraction never writes
 * outside its target. Without JAZZER_FUZZ they replay the seeds in
 * {@code src/test/resources/dev/strata/archive/ArchiveFuzzTestInputs}; {@code mvn verify} then fuzzes
 * each target a few seconds in a fork of its own, {@code -Plong} ten minutes (pom.xml's fuzz-*
 * executions, docs/RELIABILITY.md).
 */
class ArchiveFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void extractLayer(FuzzedDataProvider data) throws IOException {
        boolean overlay = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        Path box = Files.createTempDirectory("strata-fuzz-");
        try {
            Path target = Files.createDirectory(box.resolve("target"));
            try {
                LayerExtractor.extract(
                        new ByteArrayInputStream(bytes),
                        target,
                        overlay ? WhiteoutMode.OVERLAY : WhiteoutMode.APPLY,
                        "fuzzed layer");
            } catch (StrataException expected) {
                // refused input: the documented way to fail
            }
            try (Stream<Path> s = Files.list(box)) {
                assertThat(s.map(p -> p.getFileName().toString()))
                        .as("nothing beside the target")
                        .containsOnly("target");
            }
        } finally {
            delete(box);
        }
    }

    @FuzzTest(maxDuration = "90s")
    void makeSkeleton(FuzzedDataProvider data) {
        try {
            LayerSkeleton.of(
                    new ByteArrayInputStream(data.consumeRemainingAsBytes()),
                    OutputStream.nullOutputStream(),
                    "fuzzed layer");
        } catch (StrataException expected) {
            // refused input
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
