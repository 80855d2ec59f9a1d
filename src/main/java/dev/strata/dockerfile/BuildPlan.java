package dev.strata.dockerfile;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stages a build needs, dependencies first and the target last, with the global ARG values
 * (build args, defaults and platform ARGs) and every warning. Start each stage's walk with
 * {@link #scope(ResolvedStage, Map)}.
 */
public record BuildPlan(
        Dockerfile dockerfile,
        BuildOptions options,
        Map<String, String> globalArgs,
        List<ResolvedStage> stages,
        List<Warning> warnings,
        List<String> unusedBuildArgs) {
    public BuildPlan {
        globalArgs = Collections.unmodifiableMap(new LinkedHashMap<>(globalArgs));
        stages = List.copyOf(stages);
        warnings = warnings.stream()
                .sorted(Comparator.comparingInt((Warning w) -> w.position().line())
                        .thenComparingInt(w -> w.position().column()))
                .toList();
        unusedBuildArgs = List.copyOf(unusedBuildArgs);
    }

    /** The stage the build produces (the {@code --target}, or the last one). */
    public ResolvedStage target() {
        return stages.get(stages.size() - 1);
    }

    /** A needed stage by index. */
    public Optional<ResolvedStage> stage(int index) {
        return stages.stream().filter(s -> s.index() == index).findFirst();
    }

    /**
     * The variables at the start of {@code stage}, given its base image's ENV ({@code Env} of the
     * image config as a map, or the base stage's final {@link StageScope#env()}).
     */
    public StageScope scope(ResolvedStage stage, Map<String, String> baseEnv) {
        return StageScope.start(this, stage, baseEnv, false);
    }

    /** Like {@link #scope} but leaves variables it cannot know ({@code $PYTHON_HOME}) as written. */
    public StageScope partialScope(ResolvedStage stage, Map<String, String> baseEnv) {
        return StageScope.start(this, stage, baseEnv, true);
    }
}
