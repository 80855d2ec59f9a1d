package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ARG/ENV scoping, build args, platform and proxy ARGs, stage graph and --target pruning. */
class ScopeTest {

    /** Walks the target stage with the given base image ENV; returns each step. */
    static List<ExpandedStep> walk(String text, BuildOptions options, Map<String, String> baseEnv) {
        BuildPlan plan = Dockerfile.parse(text, "Dockerfile").resolve(options);
        StageScope scope = plan.scope(plan.target(), baseEnv);
        List<ExpandedStep> steps = new ArrayList<>();
        for (Instruction i : plan.target().stage().instructions()) {
            ExpandedStep s = scope.expand(i);
            steps.add(s);
            scope = s.next();
        }
        return steps;
    }

    static BuildOptions args(Map<String, String> a) {
        return new BuildOptions(a, Optional.empty(), "linux/amd64", "linux/arm64/v8");
    }

    @Test
    void globalArgsNeedRedeclaringInsideAStage() {
        String df = "ARG VERSION=latest\nFROM busybox:$VERSION\nRUN echo $VERSION\nARG VERSION\nRUN echo $VERSION\n";
        BuildPlan plan = Dockerfile.parse(df, "Dockerfile").resolve(args(Map.of()));
        assertThat(plan.target().base()).isEqualTo(new BaseImage("busybox:latest"));
        List<ExpandedStep> steps = walk(df, args(Map.of()), Map.of());
        assertThat(steps.get(0).args()).isEmpty();
        assertThat(steps.get(0).runEnvironment()).doesNotContainKey("VERSION");
        assertThat(steps.get(2).args()).containsEntry("VERSION", "latest");
        assertThat(walk(df, args(Map.of("VERSION", "1.36")), Map.of()).get(2).runEnvironment())
                .containsEntry("VERSION", "1.36");
    }

    @Test
    void buildArgBeatsDefaultAndEnvBeatsArg() {
        String df =
                "FROM x\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nARG USER=some_user\nENV USER=fixed\n"
                        + "WORKDIR /home/$USER/$CONT_IMG_VER\n";
        List<ExpandedStep> none = walk(df, args(Map.of()), Map.of());
        assertThat(((WorkdirInstruction) none.get(4).expanded()).path()).isEqualTo("/home/fixed/v1.0.0");
        List<ExpandedStep> given = walk(df, args(Map.of("CONT_IMG_VER", "v2.0.1", "USER", "bob")), Map.of());
        assertThat(((WorkdirInstruction) given.get(4).expanded()).path()).isEqualTo("/home/fixed/v2.0.1");
        assertThat(given.get(4).args()).containsEntry("USER", "bob").containsEntry("CONT_IMG_VER", "v2.0.1");
        assertThat(given.get(4).env()).containsEntry("USER", "fixed");
        assertThat(given.get(4).runEnvironment()).containsEntry("USER", "fixed");
    }

    @Test
    void baseImageEnvIsSeenAndOverridable() {
        String df = "FROM python\nWORKDIR $PYTHON_HOME/app\nENV PATH=/venv/bin:$PATH\nCOPY . ${HOME:-/root}/src\n";
        List<ExpandedStep> steps =
                walk(df, args(Map.of()), Map.of("PYTHON_HOME", "/usr/local/python", "PATH", "/usr/bin"));
        assertThat(((WorkdirInstruction) steps.get(0).expanded()).path()).isEqualTo("/usr/local/python/app");
        assertThat(steps.get(2).env()).containsEntry("PATH", "/venv/bin:/usr/bin");
        assertThat(((CopyInstruction) steps.get(2).expanded()).destination()).isEqualTo("/root/src");
    }

    @Test
    void platformArgs() {
        String df = "FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETOS TARGETARCH TARGETVARIANT\n"
                + "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\nFROM alpine\nCOPY --from=build /x /x\n";
        BuildPlan plan = Dockerfile.parse(df, "Dockerfile").resolve(args(Map.of()));
        assertThat(plan.stages().get(0).platform()).isEqualTo("linux/amd64");
        assertThat(plan.target().platform()).isEqualTo("linux/arm64/v8");
        StageScope s = plan.scope(plan.stages().get(0), Map.of());
        ExpandedStep arg = s.expand(plan.stages().get(0).stage().instructions().get(0));
        assertThat(arg.next().args())
                .containsEntry("TARGETOS", "linux")
                .containsEntry("TARGETARCH", "arm64")
                .containsEntry("TARGETVARIANT", "v8");
        assertThat(plan.globalArgs())
                .containsEntry("BUILDPLATFORM", "linux/amd64")
                .containsEntry("TARGETPLATFORM", "linux/arm64/v8");
    }

    @Test
    void proxyArgsReachRunWithoutDeclarationButNotTheCacheKey() {
        List<ExpandedStep> steps = walk(
                "FROM x\nRUN curl example.com\n",
                args(Map.of("HTTP_PROXY", "http://proxy:3128", "no_proxy", "localhost")),
                Map.of());
        assertThat(steps.get(0).args()).isEmpty();
        assertThat(steps.get(0).runEnvironment())
                .containsEntry("HTTP_PROXY", "http://proxy:3128")
                .containsEntry("no_proxy", "localhost");
    }

    @Test
    void argWithoutValueIsUnsetAndScopesEndWithTheStage() {
        String df = "FROM a AS one\nARG X=1\nARG Y\nFROM b\nCOPY --from=one $X$Y /d\n";
        List<ExpandedStep> steps = walk(df, args(Map.of()), Map.of());
        assertThat(((CopyInstruction) steps.get(0).expanded()).sources()).containsExactly("");
        BuildPlan plan = Dockerfile.parse(df, "Dockerfile").resolve(args(Map.of()));
        StageScope one = plan.scope(plan.stages().get(0), Map.of());
        ExpandedStep y = one.expand(plan.stages().get(0).stage().instructions().get(0))
                .next()
                .expand(plan.stages().get(0).stage().instructions().get(1));
        assertThat(y.next().args()).containsOnlyKeys("X");
        assertThat(y.next().declaredArgs()).containsExactly("X", "Y");
    }

    @Test
    void argDefaultsSeeEarlierNamesOnTheSameLine() {
        List<ExpandedStep> steps = walk("FROM a\nARG A=1 B=${A}2\nRUN x\n", args(Map.of()), Map.of());
        assertThat(steps.get(1).args()).containsEntry("A", "1").containsEntry("B", "12");
    }

    @Test
    void shellChangesForLaterSteps() {
        List<ExpandedStep> steps =
                walk("FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN x\n", args(Map.of()), Map.of());
        assertThat(steps.get(0).next().shell()).containsExactly("/bin/bash", "-o", "pipefail", "-c");
    }

    @Test
    void targetPruningAndDependencyOrder() {
        String df = "FROM alpine AS base\nFROM base AS deps\nRUN x\nFROM golang AS tools\nFROM base AS build\n"
                + "COPY --from=deps /a /a\nRUN --mount=type=bind,from=tools,target=/t make\nFROM scratch AS final\n"
                + "COPY --from=build /out /\nCOPY --from=2 /t /t\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\nFROM a AS test\n";
        Dockerfile parsed = Dockerfile.parse(df, "Dockerfile");
        BuildPlan plan = parsed.resolve(BuildOptions.of(Map.of(), Optional.of("final")));
        assertThat(plan.stages())
                .extracting(r -> r.stage().displayName())
                .containsExactly("base", "deps", "tools", "build", "final");
        assertThat(plan.target().base()).isEqualTo(new Scratch());
        assertThat(plan.target().dependencies()).containsExactly(3, 2);
        assertThat(plan.stage(1).orElseThrow().base()).isEqualTo(new BaseStage(0));
        assertThat(plan.stage(3).orElseThrow().dependencies()).containsExactly(0, 1, 2);
        assertThat(parsed.resolve(BuildOptions.of(Map.of(), Optional.of("DEPS")))
                        .stages())
                .hasSize(2);
        assertThat(parsed.resolve(BuildOptions.defaults()).stages())
                .extracting(ResolvedStage::index)
                .containsExactly(5);
    }

    @Test
    void unusedBuildArgsAndUndefinedArgInFrom() {
        BuildPlan plan = Dockerfile.parse("ARG USED\nFROM img:${TAG}\nARG LOCAL\n", "Dockerfile")
                .resolve(args(Map.of("USED", "1", "LOCAL", "2", "EXTRA", "3", "BUILDKIT_INLINE_CACHE", "1")));
        assertThat(plan.unusedBuildArgs()).containsExactly("EXTRA");
        assertThat(plan.warnings())
                .containsExactly(new Warning(
                        "UndefinedArgInFrom",
                        new Position("Dockerfile", 2, 1),
                        "FROM argument 'TAG' is not declared (declare it with ARG before the first FROM)"));
    }

    @Test
    void envExamplesOfTheReference() {
        List<ExpandedStep> steps = walk(
                "FROM x\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n"
                        + "ENV ONE TWO= THREE=world\nENV V4=hello\\ world V5=\"He said: \\\"It's good!\\\"\"\nRUN x\n",
                args(Map.of()),
                Map.of());
        assertThat(steps.get(5).env())
                .containsEntry("abc", "bye")
                .containsEntry("def", "hello")
                .containsEntry("ghi", "bye")
                .containsEntry("ONE", "TWO= THREE=world")
                .containsEntry("V4", "hello world")
                .containsEntry("V5", "He said: \"It's good!\"");
    }
}
