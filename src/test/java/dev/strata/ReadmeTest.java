package dev.strata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md opens with exactly the two set-up commands (the quickstart, then .ci/run), and .ci/run's
 * own sed finds README's one test command line.
 */
class ReadmeTest {
    private static List<String> commands() throws IOException {
        return Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.startsWith("    $ "))
                .map(l -> l.substring(6))
                .toList();
    }

    @Test
    void readmeOpensWithTheMainJobAndTheTestSetUp() throws IOException {
        List<String> commands = commands();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Path.of(commands.get(0).split(" ")[0])).as("main job script").isExecutable();
        assertThat(commands.get(1)).isEqualTo("bash .ci/run");
        assertThat(commands.stream().filter(c -> c.startsWith("mvn ")))
                .as("one test command")
                .hasSize(1);
    }

    @Test
    void ciRunsTheReadmeTestCommand() throws Exception {
        String ci = Files.readString(Path.of(".ci/run"));
        Matcher sed = Pattern.compile("test_cmd=\"\\$\\((sed [^\n]*README\\.md) \\| head -n 1\\)\"")
                .matcher(ci);
        assertThat(sed.find()).as(".ci/run extracts the test command with sed").isTrue();
        assertThat(ci).contains("eval \"$test_cmd\"");
        Process p = new ProcessBuilder("bash", "-c", sed.group(1) + " | head -n 1")
                .redirectErrorStream(true)
                .start();
        String found = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(found)
                .isEqualTo(commands().stream()
                        .filter(c -> c.startsWith("mvn "))
                        .findFirst()
                        .orElseThrow());
    }

    @Test
    void ciInstallsWhatTheFreshRootLacks() throws IOException {
        String ci = Files.readString(Path.of(".ci/run"));
        for (String pkg : List.of(
                "openjdk-17-jdk-headless",
                "maven",
                "busybox-static",
                "crun",
                "docker-registry",
                "tmux",
                "procps",
                "iproute2",
                "bzip2",
                "xz-utils")) {
            assertThat(ci).as(".ci/run installs " + pkg).containsPattern("(?m)^  .*\\b" + Pattern.quote(pkg) + "\\b");
        }
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
