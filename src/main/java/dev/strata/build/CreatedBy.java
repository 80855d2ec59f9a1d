package dev.strata.build;

import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.InstructionText;
import java.util.List;
import java.util.Map;

/**
 * History {@code created_by} text, shaped like BuildKit's: the instruction after expansion, RUN as
 * its argv (with {@code |N name=value} build args in front), and {@code # buildkit} on steps that made
 * a layer. The comment field carries {@link #COMMENT}.
 */
final class CreatedBy {
    static final String COMMENT = "buildkit.dockerfile.v0";

    private CreatedBy() {
    }

    /** For a config-only or filesystem step other than RUN. */
    static String of(ExpandedStep step, boolean layer) {
        return InstructionText.render(step.expanded()) + (layer ? " # buildkit" : "");
    }

    /** For RUN: {@code RUN [|N a=1 b=2] argv...} like BuildKit's runCommandString. */
    static String run(ExpandedStep step, List<String> argv, boolean layer) {
        StringBuilder b = new StringBuilder("RUN ");
        Map<String, String> args = step.args();
        long visible = args.keySet().stream().filter(k -> !step.env().containsKey(k)).count();
        if (visible > 0) {
            b.append('|').append(visible);
            args.forEach((k, v) -> {
                if (!step.env().containsKey(k)) {
                    b.append(' ').append(k).append('=').append(v);
                }
            });
            b.append(' ');
        }
        b.append(String.join(" ", argv));
        return b.append(layer ? " # buildkit" : "").toString();
    }
}
