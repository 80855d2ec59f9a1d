package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real-world-shaped Dockerfiles (Go, Java, Node, Python, Ruby, .NET, Windows, heredocs, ONBUILD...):
 * each parses, resolves and expands every needed step, with the stage counts its header states.
 */
class CorpusTest {
    private static final Path DIR = Path.of("src/test/resources/dockerfiles");
    private static final Pattern EXPECT = Pattern.compile("# expect: stages=(\\d+) needed=(\\d+)");

    static Stream<Path> files() throws IOException {
        return Files.list(DIR).filter(p -> p.toString().endsWith(".Dockerfile")).sorted();
    }

    @Test
    void atLeastFortyFiles() throws IOException {
        assertThat(files().count()).isGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parsesResolvesAndExpands(Path file) throws IOException {
        Matcher m = EXPECT.matcher(Files.readString(file));
        assertThat(m.find()).as("expect header in " + file).isTrue();
        Dockerfile df = Dockerfile.read(file);
        assertThat(df.stages()).hasSize(Integer.parseInt(m.group(1)));
        BuildPlan plan = df.resolve(BuildOptions.defaults());
        assertThat(plan.stages()).hasSize(Integer.parseInt(m.group(2)));
        for (ResolvedStage rs : plan.stages()) {
            StageScope scope = plan.scope(rs, Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", "/root"));
            for (Instruction ins : rs.stage().instructions()) {
                ExpandedStep step = scope.expand(ins);
                assertThat(step.expanded().keyword()).isEqualTo(ins.keyword());
                assertThat(InstructionText.render(step.expanded())).startsWith(ins.keyword());
                scope = step.next();
            }
        }
    }

    @Test
    void expectedValuesInSelectedFiles() {
        Dockerfile df = Dockerfile.read(DIR.resolve("expansion-forms.Dockerfile"));
        BuildPlan plan = df.resolve(BuildOptions.defaults());
        StageScope scope = plan.scope(plan.target(), Map.of());
        List<Instruction> ins = plan.target().stage().instructions();
        ExpandedStep env =
                scope.expand(ins.get(0)).next().expand(ins.get(1)).next().expand(ins.get(2));
        assertThat(((EnvInstruction) env.expanded()).variables())
                .containsExactly(
                        new KeyValue("BASE", "release-1.2.3"),
                        new KeyValue("EXT", "gz"),
                        new KeyValue("NAME", "1.2.3.tar.gz"),
                        new KeyValue("DASHED", "release-1-2-3-tar-gz"),
                        new KeyValue("FIRST", "rel-1.2.3.tar.gz"),
                        new KeyValue("DEFAULT", "fallback"),
                        new KeyValue("ALT", "present"),
                        new KeyValue("EMPTY_ALT", ""));
        ExpandedStep copy = env.next().expand(ins.get(3)).next().expand(ins.get(4));
        assertThat(((CopyInstruction) copy.expanded()).sources()).containsExactly("$literal");
        assertThat(((CopyInstruction) copy.expanded()).destination()).isEqualTo("/opt/1.2.3.tar.gz");

        Dockerfile win = Dockerfile.read(DIR.resolve("windows-servercore.Dockerfile"));
        assertThat(win.escape()).isEqualTo('`');
        CmdInstruction cmd = (CmdInstruction) win.stages().get(0).instructions().get(6);
        assertThat(cmd.command()).isEqualTo(new ExecForm(List.of("C:\\app\\app.exe")));

        Dockerfile chain = Dockerfile.read(DIR.resolve("env-chain.Dockerfile"));
        BuildPlan cp = chain.resolve(BuildOptions.defaults());
        Map<String, String> env1 = walk(cp, cp.stages().get(0), Map.of());
        Map<String, String> env2 = walk(cp, cp.stages().get(1), env1);
        assertThat(env2).containsEntry("ROOT", "/override").containsEntry("LOGS", "/srv/logs");
        StageScope last = cp.scope(cp.target(), env2);
        assertThat(((WorkdirInstruction)
                                last.expand(cp.target().stage().instructions().get(0))
                                        .expanded())
                        .path())
                .isEqualTo("/srv/logs//override");
    }

    private static Map<String, String> walk(BuildPlan plan, ResolvedStage rs, Map<String, String> base) {
        StageScope s = plan.scope(rs, base);
        for (Instruction i : rs.stage().instructions()) {
            s = s.expand(i).next();
        }
        return s.env();
    }
}
