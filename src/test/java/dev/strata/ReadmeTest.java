package dev.strata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README.md opens with exactly the two set-up commands, and .ci/run runs the second one. */
class ReadmeTest {
    @Test
    void readmeOpensWithTheMainJobAndTheTestCommand() throws IOException {
        List<String> commands = Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.startsWith("    $ "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(commands).hasSize(2);
        assertThat(Path.of(commands.get(0).split(" ")[0])).as("main job script").isExecutable();
        assertThat(commands.get(1)).startsWith("mvn ");
    }

    @Test
    void ciRunsTheReadmeTestCommand() throws IOException {
        String ci = Files.readString(Path.of(".ci/run"));
        assertThat(ci)
                .contains("sed -n 's/^    \\$ \\(mvn .*\\)$/\\1/p' README.md")
                .contains("eval \"$test_cmd\"");
    }

    @Test
    void everyDocumentTheReadmeNamesExists() throws IOException {
        Matcher m = Pattern.compile("`(docs/[\\w.-]+\\.md)`").matcher(Files.readString(Path.of("README.md")));
        int named = 0;
        while (m.find()) {
            assertThat(Path.of(m.group(1))).as("README names " + m.group(1)).isRegularFile();
            named++;
        }
        assertThat(named).isGreaterThanOrEqualTo(5);
    }
}
