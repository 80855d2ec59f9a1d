package dev.strata.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * {@code RUN [--mount=...] [--network=default|none|host] [--security=sandbox|insecure] command}.
 * The command (and heredoc bodies) stay as written: the shell expands them, with the ARGs and ENV in
 * scope as its environment. Mount options are expanded.
 */
public record RunInstruction(Node node, CommandForm command, List<Mount> mounts, Optional<String> network,
        Optional<String> security, List<Heredoc> heredocs) implements Instruction {
    public RunInstruction {
        mounts = List.copyOf(mounts);
        heredocs = List.copyOf(heredocs);
    }

    @Override
    public RunInstruction expand(Expander x) {
        return new RunInstruction(node, command, mounts.stream().map(m -> m.expand(x, node)).toList(), network,
                security, heredocs);
    }
}
