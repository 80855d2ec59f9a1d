package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Lexing: directives, continuations, comments, BOM, CRLF, heredocs and positions. */
class SyntaxTest {

    static Dockerfile parse(String text) {
        return Dockerfile.parse(text, "Dockerfile");
    }

    static Instruction ins(Dockerfile df, int i) {
        return df.stages().get(0).instructions().get(i);
    }

    @Test
    void directivesOnlyAtTheTop() {
        Dockerfile df =
                parse("# syntax=docker/dockerfile:1.7\n#ESCAPE = `\n# check=skip=JSONArgsRecommended;error=true\n"
                        + "# comment\n# escape=\\\nFROM x\nRUN a `\n  b\n");
        assertThat(df.directives().syntax()).contains("docker/dockerfile:1.7");
        assertThat(df.escape()).isEqualTo('`');
        assertThat(df.directives().skippedChecks()).containsExactly("JSONArgsRecommended");
        assertThat(df.directives().checkErrors()).isTrue();
        assertThat(((RunInstruction) ins(df, 0)).command()).isEqualTo(new ShellForm("a   b"));
        // After a blank line a directive is a comment.
        assertThat(parse("\n# escape=`\nFROM x\n").escape()).isEqualTo('\\');
    }

    @Test
    void continuationsCommentsAndEmptyLines() {
        Dockerfile df = parse(
                "FROM x\nRUN apt-get update && \\\n# a comment inside\n    apt-get install -y \\\n\n      curl  \\  \n"
                        + "      git\n");
        RunInstruction r = (RunInstruction) ins(df, 0);
        assertThat(r.command())
                .isEqualTo(new ShellForm("apt-get update &&     apt-get install -y       curl        git"));
        assertThat(r.node().endLine()).isEqualTo(7);
        assertThat(r.node().positionAt(r.node().args().indexOf("curl"))).isEqualTo(new Position("Dockerfile", 6, 7));
        assertThat(df.warnings())
                .containsExactly(new Warning(
                        "NoEmptyContinuation",
                        new Position("Dockerfile", 5, 1),
                        "Empty continuation line (empty continuation lines will become errors in a future release)"));
        assertThat(r.node().source()).startsWith("RUN apt-get update && \\\n# a comment inside\n");
    }

    @Test
    void bomAndCrlf() {
        Dockerfile df = parse("\uFEFFFROM alpine\r\nENV A=1 \\\r\n  B=2\r\nCMD [\"sh\"]\r\n");
        assertThat(df.stages().get(0).from().image()).isEqualTo("alpine");
        assertThat(((EnvInstruction) ins(df, 0)).variables())
                .containsExactly(new KeyValue("A", "1"), new KeyValue("B", "2"));
        assertThat(ins(df, 1).node().position()).isEqualTo(new Position("Dockerfile", 4, 1));
    }

    @Test
    void flagsHavePositionsAcrossLines() {
        Dockerfile df = parse("FROM x\nCOPY \\\n   --chown=1:1 \\\n   --from=b a /b\n");
        CopyInstruction c = (CopyInstruction) ins(df, 0);
        assertThat(c.node().flags())
                .extracting(Flag::position)
                .containsExactly(new Position("Dockerfile", 3, 4), new Position("Dockerfile", 4, 4));
        assertThat(c.node().argsPosition()).isEqualTo(new Position("Dockerfile", 4, 13));
    }

    @Test
    void heredocs() {
        Dockerfile df = parse("FROM x\n"
                + "RUN <<EOF\nset -e\necho \"$HOME\"\nEOF\n"
                + "RUN <<-EOT bash\n\tif true; then\n\t\techo y\n\tfi\n\tEOT\n"
                + "COPY <<one.txt <<'two.txt' /dst/\n1 $V\none.txt\n2 $V\ntwo.txt\n"
                + "RUN 3<<IN cat /dev/fd/3 && python3 <<\"PY\"\nfd three\nIN\nprint('x')\nPY\n"
                + "RUN [\"<<NOT\"]\nRUN echo \"<<NOPE\"\n");
        RunInstruction r = (RunInstruction) ins(df, 0);
        assertThat(r.heredocs())
                .containsExactly(new Heredoc(
                        "EOF",
                        "set -e\necho \"$HOME\"\n",
                        true,
                        false,
                        OptionalInt.empty(),
                        new Position("Dockerfile", 2, 5)));
        assertThat(r.command()).isEqualTo(new ShellForm("<<EOF"));
        assertThat(r.heredocIsScript()).isTrue();
        RunInstruction tabs = (RunInstruction) ins(df, 1);
        assertThat(tabs.heredocIsScript()).isFalse();
        assertThat(tabs.shellScript()).isEqualTo("<<-EOT bash\nif true; then\necho y\nfi\nEOT");
        assertThat(tabs.heredocs().get(0).content()).isEqualTo("if true; then\necho y\nfi\n");
        CopyInstruction c = (CopyInstruction) ins(df, 2);
        assertThat(c.sources()).isEmpty();
        assertThat(c.heredocs()).extracting(Heredoc::name).containsExactly("one.txt", "two.txt");
        CopyInstruction cx = (CopyInstruction) c.expand(new Expander('\\', Map.of("V", "v")));
        assertThat(cx.heredocs()).extracting(Heredoc::content).containsExactly("1 v\n", "2 $V\n");
        RunInstruction fds = (RunInstruction) ins(df, 3);
        assertThat(fds.heredocs()).extracting(Heredoc::name).containsExactly("IN", "PY");
        assertThat(fds.heredocs().get(0).fd()).isEqualTo(OptionalInt.of(3));
        assertThat(fds.heredocs().get(1).expand()).isFalse();
        assertThat(fds.heredocs().get(1).content()).isEqualTo("print('x')\n");
        assertThat(((RunInstruction) ins(df, 4)).heredocs()).isEmpty();
        assertThat(((RunInstruction) ins(df, 5)).heredocs()).isEmpty();
        assertThat(ins(df, 5).node().position().line()).isEqualTo(22);
    }

    @Test
    void windowsStyleEscape() {
        Dockerfile df = parse(
                "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n"
                        + "COPY testfile.txt c:\\\nRUN dir c:\\ ; `\n    Write-Host done\nWORKDIR C:\\app\\$SUB\n");
        assertThat(((CopyInstruction) ins(df, 1)).destination()).isEqualTo("c:\\");
        assertThat(((RunInstruction) ins(df, 2)).command()).isEqualTo(new ShellForm("dir c:\\ ;     Write-Host done"));
        WorkdirInstruction w = (WorkdirInstruction) ins(df, 3).expand(new Expander('`', Map.of("SUB", "x")));
        assertThat(w.path()).isEqualTo("C:\\app\\x");
    }

    @Test
    void keywordCaseAndIndentation() {
        Dockerfile df = parse("  from alpine\n\tRun echo hi\n");
        assertThat(ins(df, 0).keyword()).isEqualTo("RUN");
        assertThat(ins(df, 0).node().keyword()).isEqualTo("Run");
        assertThat(ins(df, 0).node().position()).isEqualTo(new Position("Dockerfile", 2, 2));
        assertThat(df.stages().get(0).from().node().position()).isEqualTo(new Position("Dockerfile", 1, 3));
        assertThat(df.nodes()).hasSize(2);
        assertThat(List.of(df.warnings().get(0).rule())).containsExactly("ConsistentInstructionCasing");
    }
}
