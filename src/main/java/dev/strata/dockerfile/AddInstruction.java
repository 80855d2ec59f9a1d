package dev.strata.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * {@code ADD [--chown] [--chmod] [--checksum] [--keep-git-dir] [--link] [--exclude]... src... dest}.
 * Sources may be URLs or git refs; heredoc sources are in {@link #heredocs} (their file name is the
 * delimiter). Paths, flags and unquoted heredoc bodies are expanded.
 */
public record AddInstruction(
        Node node,
        List<String> sources,
        String destination,
        Optional<String> chown,
        Optional<String> chmod,
        Optional<String> checksum,
        boolean keepGitDir,
        boolean link,
        List<String> excludes,
        List<Heredoc> heredocs)
        implements Instruction {
    public AddInstruction {
        sources = List.copyOf(sources);
        excludes = List.copyOf(excludes);
        heredocs = List.copyOf(heredocs);
    }

    @Override
    public AddInstruction expand(Expander x) {
        return new AddInstruction(
                node,
                x.each(node, sources),
                x.word(node, destination),
                x.word(node, chown),
                x.word(node, chmod),
                x.word(node, checksum),
                keepGitDir,
                link,
                x.each(node, excludes),
                CopyInstruction.expandHeredocs(x, node, heredocs));
    }
}
