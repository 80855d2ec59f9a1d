package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `strata completion bash` prints a script bash accepts and that completes strata's commands and flags. */
class CompletionCommandTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    /** What bash completes for the words typed so far, with the generated script sourced. */
    private String complete(Path script, String line) throws Exception {
        String words = line.replace("'", "");
        String prog = "source " + script + "\n"
                + "COMP_WORDS=(" + words + ")\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "COMP_LINE='" + line + "'\nCOMP_POINT=${#COMP_LINE}\n"
                + "_complete_strata strata\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p =
                new ProcessBuilder("bash", "-c", prog).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void bashCompletesCommandsAndBuildFlags() throws Exception {
        String[] r = run("completion", "bash");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        Path script = Files.writeString(tmp.resolve("strata.bash"), r[1]);
        assertThat(complete(script, "strata bu")).contains("build");
        assertThat(complete(script, "strata build --cache-")).contains("--cache-from", "--cache-to", "--cache-report");
    }

    @Test
    void anUnknownShellIsAUsageError() {
        String[] r = run("completion", "fish");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("unknown shell 'fish': use bash or zsh");
    }

    @Test
    void buildHelpShowsExamplesAndCompletionHelpShowsHowToInstall() {
        assertThat(run("build", "--help")[1]).contains("Examples:").contains("--cache-to type=registry,ref=");
        assertThat(run("completion", "--help")[1]).contains("strata completion bash > /etc/bash_completion.d/strata");
    }
}
