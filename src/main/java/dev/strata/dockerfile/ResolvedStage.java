package dev.strata.dockerfile;

import java.util.List;

/**
 * A stage the build needs: its base (expanded with global ARGs), its platform, and the stages it
 * reads from (FROM, COPY --from, RUN --mount from=), by index.
 */
public record ResolvedStage(Stage stage, StageBase base, String platform, List<Integer> dependencies) {
    public ResolvedStage {
        dependencies = List.copyOf(dependencies);
    }

    public int index() {
        return stage.index();
    }
}
