package dev.strata.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * {@code COPY [--from=stage|index|image] [--chown] [--chmod] [--link] [--parents] [--exclude]... src... dest}.
 * Heredoc sources are in {@link #heredocs}. Paths, flags and unquoted heredoc bodies are expanded.
 */
public record CopyInstruction(
        Node node,
        List<String> sources,
        String destination,
        Optional<String> from,
        Optional<String> chown,
        Optional<String> chmod,
        boolean link,
        boolean parents,
        List<String> excludes,
        List<Heredoc> heredocs)
        implements Instruction {
    public CopyInstruction {
        sources = List.copyOf(sources);
        excludes = List.copyOf(excludes);
        heredocs = List.copyOf(heredocs);
    }

    @Override
    public CopyInstruction expand(Expander x) {
        return new CopyInstruction(
                node,
                x.each(node, sources),
                x.word(node, destination),
                x.word(node, from),
                x.word(node, chown),
                x.word(node, chmod),
                link,
                parents,
                x.each(node, excludes),
                expandHeredocs(x, node, heredocs));
    }

    /** Heredoc file bodies: expanded unless the delimiter was quoted (quotes inside stay as text). */
    static List<Heredoc> expandHeredocs(Expander x, Node node, List<Heredoc> heredocs) {
        return heredocs.stream()
                .map(h -> h.expand() ? h.withContent(x.heredocBody(node, h)) : h)
                .toList();
    }
}
