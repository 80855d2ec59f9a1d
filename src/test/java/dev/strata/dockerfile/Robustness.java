package dev.strata.dockerfile;

import java.util.Map;
import java.util.Optional;

/** What the fuzz and random-input tests run: anything but a DockerfileException is a bug. */
final class Robustness {
    private Robustness() {}

    static void parseResolveExpand(String text) {
        try {
            Dockerfile df = Dockerfile.parse(text, "Dockerfile");
            BuildPlan plan =
                    df.resolve(new BuildOptions(Map.of("A", "1"), Optional.empty(), "linux/amd64", "linux/amd64"));
            for (ResolvedStage rs : plan.stages()) {
                StageScope full = plan.scope(rs, Map.of("PATH", "/bin"));
                StageScope partial = plan.partialScope(rs, Map.of());
                for (Instruction ins : rs.stage().instructions()) {
                    partial = partial.expand(ins).next();
                    ExpandedStep step = full.expand(ins);
                    InstructionText.render(step.expanded());
                    full = step.next();
                }
            }
        } catch (DockerfileException expected) {
            if (expected.getMessage() == null || !expected.getMessage().startsWith("Dockerfile:")) {
                throw new AssertionError("error without position: " + expected.getMessage(), expected);
            }
        }
    }

    static void expandWord(char escape, String word, Map<String, String> env) {
        ShellWords sw = new ShellWords(escape);
        Position at = new Position("Dockerfile", 1, 1);
        try {
            sw.expand(word, env, at);
            sw.expandWords(word, env, at);
            sw.expandKnown(word, env, at);
            sw.expandHeredoc(word, env, at, false);
            sw.references(word, at);
        } catch (DockerfileException expected) {
            // the only failure allowed
        }
    }
}
