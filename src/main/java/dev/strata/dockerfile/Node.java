package dev.strata.dockerfile;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One instruction as written: keyword, flags, the argument text after the flags (continuations
 * joined, comment lines dropped), its heredocs, and where every character of it came from.
 */
public final class Node {
    private final String keyword;
    private final List<Flag> flags;
    private final String args;
    private final List<Heredoc> heredocs;
    private final Position position;
    private final int endLine;
    private final String source;
    // Source line and column of each character of args (continuations make them jump).
    private final int[] lines;
    private final int[] columns;
    private final Optional<StepTtl> ttl;

    Node(
            String keyword,
            List<Flag> flags,
            String args,
            List<Heredoc> heredocs,
            Position position,
            int endLine,
            String source,
            int[] lines,
            int[] columns,
            Optional<StepTtl> ttl) {
        this.ttl = ttl;
        this.keyword = keyword;
        this.flags = List.copyOf(flags);
        this.args = args;
        this.heredocs = List.copyOf(heredocs);
        this.position = position;
        this.endLine = endLine;
        this.source = source;
        this.lines = lines;
        this.columns = columns;
    }

    /** The {@code # strata:ttl=} comment just above the instruction, if any. */
    public Optional<StepTtl> ttl() {
        return ttl;
    }

    /** The keyword as written ({@code from}, {@code RUN}). */
    public String keyword() {
        return keyword;
    }

    /** The keyword upper-cased: {@code FROM}, {@code RUN}, ... */
    public String instruction() {
        return keyword.toUpperCase(Locale.ROOT);
    }

    public List<Flag> flags() {
        return flags;
    }

    /** The argument text after the flags, unexpanded. */
    public String args() {
        return args;
    }

    public List<Heredoc> heredocs() {
        return heredocs;
    }

    /** Where the keyword starts. */
    public Position position() {
        return position;
    }

    /** 1-based line the instruction (with its heredocs) ends on. */
    public int endLine() {
        return endLine;
    }

    /** The original lines of this instruction, as in the file (heredoc bodies included). */
    public String source() {
        return source;
    }

    /** Position of the character at {@code offset} in {@link #args()} (clamped to the text). */
    public Position positionAt(int offset) {
        if (lines.length == 0) {
            return position;
        }
        int i = Math.max(0, Math.min(offset, lines.length - 1));
        int extra = offset >= lines.length ? 1 : 0;
        return new Position(position.file(), lines[i], columns[i] + extra);
    }

    /** Position of the first argument character. */
    public Position argsPosition() {
        return positionAt(0);
    }

    /** The first flag with this name, if given. */
    public Optional<Flag> flag(String name) {
        return flags.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** A copy with other flags/args (ONBUILD's trigger is a node inside a node). */
    Node sub(String newKeyword, List<Flag> newFlags, int argsOffset, Position keywordPosition) {
        int from = Math.min(argsOffset, args.length());
        return new Node(
                newKeyword,
                newFlags,
                args.substring(from),
                heredocs,
                keywordPosition,
                endLine,
                source,
                Arrays.copyOfRange(lines, Math.min(from, lines.length), lines.length),
                Arrays.copyOfRange(columns, Math.min(from, columns.length), columns.length),
                ttl);
    }

    /** The same node with line numbers moved by {@code delta} (triggers parsed after a directive line). */
    Node shiftLines(int delta) {
        int[] ls = lines.clone();
        for (int i = 0; i < ls.length; i++) {
            ls[i] += delta;
        }
        List<Heredoc> hs = heredocs.stream()
                .map(h -> new Heredoc(
                        h.name(),
                        h.content(),
                        h.expand(),
                        h.stripTabs(),
                        h.fd(),
                        new Position(
                                h.position().file(),
                                h.position().line() + delta,
                                h.position().column())))
                .toList();
        List<Flag> fs = flags.stream()
                .map(f -> new Flag(
                        f.name(),
                        f.value(),
                        new Position(
                                f.position().file(),
                                f.position().line() + delta,
                                f.position().column())))
                .toList();
        return new Node(
                keyword,
                fs,
                args,
                hs,
                new Position(position.file(), position.line() + delta, position.column()),
                endLine + delta,
                source,
                ls,
                columns,
                ttl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n
                && n.position.equals(position)
                && n.keyword.equals(keyword)
                && n.args.equals(args)
                && n.flags.equals(flags)
                && n.heredocs.equals(heredocs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(position, keyword, args);
    }

    @Override
    public String toString() {
        return position + " " + keyword + (flags.isEmpty() ? "" : " " + flags) + " " + args;
    }
}
