package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParserTest {

    static Dockerfile parse(String text) {
        return Dockerfile.parse(text, "Dockerfile");
    }

    @Test
    void scenarioDockerfile() {
        Dockerfile df = parse("""
                FROM python:3.7-slim
                WORKDIR /usr/src/app
                RUN pip install --upgrade pip
                COPY ./requirements.txt /usr/src/app/requirements.txt
                RUN pip $PIP_PROXY install --no-cache-dir --compile -r requirements.txt
                RUN echo 123
                COPY ./run_test.py /usr/src/app/run_test.py
                CMD ["python", "run_test.py"]
                """);
        assertThat(df.stages()).hasSize(1);
        Stage s = df.stages().get(0);
        assertThat(s.from().image()).isEqualTo("python:3.7-slim");
        assertThat(s.instructions()).hasSize(7);
        assertThat(s.instructions().get(0))
                .isEqualTo(new WorkdirInstruction(s.instructions().get(0).node(), "/usr/src/app"));
        RunInstruction run = (RunInstruction) s.instructions().get(3);
        assertThat(run.command())
                .isEqualTo(new ShellForm("pip $PIP_PROXY install --no-cache-dir --compile -r requirements.txt"));
        assertThat(run.node().position()).isEqualTo(new Position("Dockerfile", 5, 1));
        CmdInstruction cmd = (CmdInstruction) s.instructions().get(6);
        assertThat(cmd.command()).isEqualTo(new ExecForm(List.of("python", "run_test.py")));
        assertThat(df.warnings()).isEmpty();

        BuildPlan plan = df.resolve(BuildOptions.defaults());
        StageScope scope = plan.scope(plan.target(), Map.of("PATH", "/usr/bin"));
        ExpandedStep step = scope.expand(s.instructions().get(0));
        assertThat(((WorkdirInstruction) step.expanded()).path()).isEqualTo("/usr/src/app");
    }

    @Test
    void unknownInstructionHasPosition() {
        assertThatThrownBy(() -> parse("FROM a\n  FOO bar\n"))
                .isInstanceOf(DockerfileException.class)
                .hasMessage("Dockerfile:2:3: unknown instruction: FOO");
    }

    @Test
    void multiStageWithCopyFrom() {
        Dockerfile df = parse("""
                ARG GO=1.22
                FROM golang:${GO} AS build
                RUN go build -o /out/app .
                FROM alpine AS unused
                FROM gcr.io/distroless/static
                COPY --from=build /out/app /app
                """);
        BuildPlan plan = df.resolve(BuildOptions.defaults());
        assertThat(plan.stages()).extracting(ResolvedStage::index).containsExactly(0, 2);
        assertThat(plan.stages().get(0).base()).isEqualTo(new BaseImage("golang:1.22"));
        assertThat(plan.stages().get(1).dependencies()).containsExactly(0);
        BuildPlan t = df.resolve(BuildOptions.of(Map.of("GO", "1.21"), Optional.of("build")));
        assertThat(t.stages()).hasSize(1);
        assertThat(t.target().base()).isEqualTo(new BaseImage("golang:1.21"));
    }
}
