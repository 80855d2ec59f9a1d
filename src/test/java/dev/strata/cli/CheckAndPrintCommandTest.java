package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.dockerfile.BuildOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata check and strata build --print, run through Main like a user would. */
class CheckAndPrintCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void checkCleanFile() throws IOException {
        write("Dockerfile", "FROM alpine\nCMD [\"sh\"]\n");
        Run r = run("check", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(dir.resolve("Dockerfile") + ": no problems found (1 stage)\n");
    }

    @Test
    void checkWarningsExitZeroUnlessErrorDirective() throws IOException {
        Path f = write("app.Dockerfile", "FROM alpine AS Build\nCMD echo hi\n");
        Run r = run("check", "-f", f.toString(), "--build-arg", "UNUSED=1", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .isEqualTo(f + ":1:16: warning: StageNameCasing: Stage name 'Build' should be lowercase\n"
                        + f
                        + ":2:1: warning: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals\n"
                        + f + ": warning: build argument UNUSED is not used by any ARG\n"
                        + f + ": 2 warnings\n");
        write("strict", "# check=error=true\nFROM alpine\nCMD echo hi\n");
        assertThat(run("check", "-f", dir.resolve("strict").toString()).code()).isEqualTo(2);
    }

    @Test
    void checkErrorIsOneLineWithPosition() throws IOException {
        write("Dockerfile", "FROM alpine\nCOPY --form=x a b\n");
        Run r = run("check", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out())
                .isEqualTo(
                        dir.resolve("Dockerfile")
                                + ":2:6: error: unknown flag --form (COPY takes --chmod, --chown, --exclude, --from, --link, --parents)\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void checkMissingFile() {
        Run r = run("check", dir.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("strata: error: cannot read Dockerfile " + dir.resolve("nope/Dockerfile"));
    }

    @Test
    void printOutlineAndPlan() throws IOException {
        write(
                "Dockerfile",
                "ARG GO=1.22\nFROM golang:${GO} AS build\nWORKDIR /src\nENV OUT=/out\n"
                        + "RUN --mount=type=cache,target=/root/.cache go build -o $OUT/app\n"
                        + "FROM alpine AS unused\nFROM python:3.12\nARG GO\nWORKDIR $PYTHON_HOME/app\nCOPY --from=build $OUT/app /usr/bin/app-$GO\n"
                        + "CMD [\"app\"]\n");
        Run outline = run("build", "--print=outline", dir.toString());
        assertThat(outline.code()).isZero();
        assertThat(outline.out())
                .isEqualTo(dir.resolve("Dockerfile") + ": 3 stage(s), building 2, target 2\n"
                        + "stage build: FROM golang:1.22 [" + BuildOptions.hostPlatform() + "]  ("
                        + dir.resolve("Dockerfile") + ":2:1)\n  3 instruction(s)\n"
                        + "stage 2: FROM python:3.12 [" + BuildOptions.hostPlatform()
                        + "] needs build  ("
                        + dir.resolve("Dockerfile") + ":7:1)\n  4 instruction(s)\n");
        Run plan = run("build", "--print=plan", "--build-arg", "GO=1.21", "--target", "2", dir.toString());
        assertThat(plan.code()).isEqualTo(2);
        assertThat(plan.err()).contains("target stage \"2\" is not in");
        plan = run("build", "--print=plan", "--build-arg", "GO=1.21", dir.toString());
        assertThat(plan.out())
                .contains(
                        "  9: WORKDIR $PYTHON_HOME/app\n",
                        "  10: COPY --from=build $OUT/app /usr/bin/app-1.21\n",
                        "  5: RUN --mount=type=cache,target=/root/.cache go build -o $OUT/app\n");
    }

    @Test
    void printPlanJson() throws IOException {
        write("Dockerfile", "FROM busybox AS base\nENV A=1\nFROM base\nARG V=x\nLABEL a=$A v=$V\nRUN echo $V\n");
        Run r = run("build", "--print=plan", "--format=json", "--platform", "linux/arm64", dir.toString());
        assertThat(r.code()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("target").asText()).isEqualTo("1");
        assertThat(json.get("stages")).hasSize(2);
        JsonNode second = json.get("stages").get(1);
        assertThat(second.get("base").get("stage").asInt()).isZero();
        assertThat(second.get("platform").asText()).isEqualTo("linux/arm64");
        JsonNode label = second.get("steps").get(1);
        assertThat(label.get("expanded").asText()).isEqualTo("LABEL a=1 v=x");
        assertThat(label.get("line").asInt()).isEqualTo(5);
        assertThat(label.get("source").asText()).isEqualTo("LABEL a=$A v=$V");
        JsonNode run = second.get("steps").get(2);
        assertThat(run.get("arguments").asText()).isEqualTo("echo $V");
        assertThat(run.get("args").get("V").asText()).isEqualTo("x");
        assertThat(run.get("env").get("A").asText()).isEqualTo("1");
    }

    @Test
    void buildOfAnImageNotInTheStoreSaysToPullIt() throws IOException {
        write("Dockerfile", "FROM 127.0.0.1:9/nothing:1\n");
        Run r = run("build", "--progress=plain", dir.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("127.0.0.1:9/nothing:1").contains("strata pull");
        assertThat(run("build", "--print=tree", dir.toString()).code()).isEqualTo(2);
    }

    @Test
    void buildArgFromEnvironment() {
        assertThat(BuildArgs.parse(List.of("A=1", "B", "C", "D="), n -> n.equals("B") ? "fromenv" : null))
                .containsExactly(Map.entry("A", "1"), Map.entry("B", "fromenv"), Map.entry("D", ""));
    }
}
