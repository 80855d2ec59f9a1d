package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The training bin/strata records its class archive from must keep running strata's real commands:
 * if one starts failing (a flag renamed, a command changed), the archive silently shrinks to the
 * classes loaded before the failure and start-up gets slower with nobody noticing.
 */
class ClassDataTrainingTest {
    @Test
    void everyTrainingCommandSucceedsAndLeavesNothingBehind() throws Exception {
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = trainingDirs(tmpRoot);

        List<String> failed = ClassDataTraining.run();

        assertThat(failed).isEmpty();
        assertThat(trainingDirs(tmpRoot)).isEqualTo(before);
        assertThat(System.getProperty(StoreHome.TRAINING_PROPERTY)).isNull();
    }

    private static List<Path> trainingDirs(Path root) throws Exception {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("strata-training-"))
                    .sorted()
                    .toList();
        }
    }
}
