package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands the words of one instruction with the variables it can see (ARGs in scope overlaid by
 * ENV). {@link #partial} keeps references to unknown variables as written, for plans printed
 * before the base image is known.
 */
public final class Expander {
    private final ShellWords words;
    private final Map<String, String> variables;
    private final boolean partial;
    private final Set<String> unset;

    public Expander(char escape, Map<String, String> variables) {
        this(escape, variables, false, Set.of());
    }

    private Expander(char escape, Map<String, String> variables, boolean partial, Set<String> unset) {
        this.words = new ShellWords(escape);
        this.variables = Map.copyOf(variables);
        this.partial = partial;
        this.unset = Set.copyOf(unset);
    }

    /**
     * An expander that leaves {@code $UNKNOWN} as written instead of making it empty, except for
     * names in {@code unset} (ARGs declared without a value), which are known to be empty.
     */
    public static Expander partial(char escape, Map<String, String> variables, Set<String> unset) {
        return new Expander(escape, variables, true, unset);
    }

    public Map<String, String> variables() {
        return variables;
    }

    /** One word of {@code node}'s arguments, expanded (errors point at the word in the source). */
    public String word(Node node, String raw) {
        Position at = at(node, raw);
        return partial ? words.expandKnown(raw, variables, unset, at) : words.expand(raw, variables, at);
    }

    public Optional<String> word(Node node, Optional<String> raw) {
        return raw.map(r -> word(node, r));
    }

    public List<String> each(Node node, List<String> raws) {
        List<String> out = new ArrayList<>(raws.size());
        for (String r : raws) {
            out.add(word(node, r));
        }
        return out;
    }

    /** A COPY/ADD heredoc body with unquoted delimiter: variables expanded, quotes kept. */
    public String heredocBody(Node node, Heredoc heredoc) {
        return words.expandHeredoc(heredoc.content(), variables, unset, heredoc.position(), partial);
    }

    /** Expands and splits at unquoted whitespace (EXPOSE). */
    public List<String> split(Node node, String raw) {
        if (partial) {
            return List.of(word(node, raw).split("\\s+"));
        }
        return words.expandWords(raw, variables, at(node, raw));
    }

    private static Position at(Node node, String raw) {
        int off = node.args().indexOf(raw);
        return off >= 0 ? node.positionAt(off) : node.argsPosition();
    }
}
