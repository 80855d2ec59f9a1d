package dev.strata.dockerfile;

import java.util.Map;

/**
 * One instruction ready for the build engine: as written and expanded, with the build ARGs it can
 * see ({@link #args}: name to value, for cache keys), the ENV before it, the environment a RUN gets
 * ({@link #runEnvironment}: ARGs overlaid by ENV, plus proxy build args), and the scope after it.
 */
public record ExpandedStep(
        Instruction original,
        Instruction expanded,
        Map<String, String> args,
        Map<String, String> env,
        Map<String, String> runEnvironment,
        StageScope next) {

    public Position position() {
        return original.node().position();
    }

    /** The original source lines of the instruction. */
    public String source() {
        return original.node().source();
    }
}
