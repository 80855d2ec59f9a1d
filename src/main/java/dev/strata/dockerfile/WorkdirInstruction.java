package dev.strata.dockerfile;

/** {@code WORKDIR path} (expanded; relative paths are relative to the previous WORKDIR). */
public record WorkdirInstruction(Node node, String path) implements Instruction {
    @Override
    public WorkdirInstruction expand(Expander x) {
        return new WorkdirInstruction(node, x.word(node, path));
    }
}
