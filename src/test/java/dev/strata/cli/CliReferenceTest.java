package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md is the usage help of every command, as strata prints it: the reference cannot drift
 * from the code. After changing an option, regenerate it with
 * {@code mvn -q -o test -Dtest=CliReferenceTest -Dstrata.writeCliReference=true}.
 */
class CliReferenceTest {
    private static final Path DOC = Path.of("docs/cli.md");

    @Test
    void docsCliMdIsTheUsageHelpOfEveryCommand() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("strata.writeCliReference")) {
            Files.writeString(DOC, expected);
        }
        assertThat(Files.exists(DOC)).as(DOC + " exists").isTrue();
        assertThat(Files.readString(DOC))
                .as("docs/cli.md is stale; regenerate it with "
                        + "mvn -q -o test -Dtest=CliReferenceTest -Dstrata.writeCliReference=true")
                .isEqualTo(expected);
    }

    @Test
    void everyCommandIsInTheReference() throws IOException {
        String doc = Files.readString(DOC);
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (String name : root.getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(doc).contains("\n## strata " + name + "\n");
            }
        }
    }

    @Test
    void everyCommandAnswersHelpAsDockerAndBuildahDo() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (String name : root.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new String[] {name, "--help"}, new PrintWriter(out), new PrintWriter(err));
            assertThat(code).as("strata " + name + " --help: " + err).isZero();
            assertThat(out.toString()).as("strata " + name + " --help").startsWith("Usage: strata " + name);
        }
    }

    private static String render() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        StringBuilder out = new StringBuilder();
        out.append("# strata command reference\n\n")
                .append("Generated from the commands' own `--help` (a test keeps this page equal to it).\n")
                .append("Exit codes: 0 success, 1 a build step failed, 2 bad input or usage, 3 registry or\n")
                .append("authentication, 4 environment (not root, no runtime, no overlayfs, disk).\n\n");
        out.append("## strata\n\n").append(indent(root.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            out.append("\n## strata ")
                    .append(e.getKey())
                    .append("\n\n")
                    .append(indent(e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF)));
            // a command with subcommands of its own (strata cache inspect|prune): each gets its section
            for (Map.Entry<String, CommandLine> sub :
                    e.getValue().getSubcommands().entrySet()) {
                out.append("\n## strata ")
                        .append(e.getKey())
                        .append(' ')
                        .append(sub.getKey())
                        .append("\n\n")
                        .append(indent(sub.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF)));
            }
        }
        return out.toString();
    }

    /** A markdown code block by indentation, without trailing blanks (editors strip them). */
    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.strip().split("\n", -1)) {
            b.append(line.isBlank() ? "" : "    " + line.stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
