package dev.strata.dockerfile;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code RUN [--mount=...] [--network=default|none|host] [--security=sandbox|insecure] command}.
 * The command (and heredoc bodies) stay as written: the shell expands them, with the ARGs and ENV in
 * scope as its environment. Mount options are expanded.
 */
public record RunInstruction(
        Node node,
        CommandForm command,
        List<Mount> mounts,
        Optional<String> network,
        Optional<String> security,
        List<Heredoc> heredocs)
        implements Instruction {
    public RunInstruction {
        mounts = List.copyOf(mounts);
        heredocs = List.copyOf(heredocs);
    }

    /**
     * True when the command is one heredoc alone ({@code RUN <<EOF}): its body is the script to run
     * (a {@code #!} line picks the interpreter), as BuildKit does.
     */
    public boolean heredocIsScript() {
        return heredocs.size() == 1
                && command instanceof ShellForm s
                && s.text()
                        .strip()
                        .matches("<<-?['\"]?" + Pattern.quote(heredocs.get(0).name()) + "['\"]?");
    }

    /**
     * The shell-form text with each heredoc body and end line appended, the way a shell reads a
     * here-document ({@code RUN python3 <<EOF} runs this under the stage's SHELL).
     */
    public String shellScript() {
        StringBuilder b = new StringBuilder(command instanceof ShellForm s ? s.text() : "");
        for (Heredoc h : heredocs) {
            b.append('\n').append(h.content()).append(h.name());
        }
        return b.toString();
    }

    @Override
    public RunInstruction expand(Expander x) {
        return new RunInstruction(
                node, command, mounts.stream().map(m -> m.expand(x, node)).toList(), network, security, heredocs);
    }
}
