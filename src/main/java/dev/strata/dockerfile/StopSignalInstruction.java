package dev.strata.dockerfile;

/** {@code STOPSIGNAL SIGTERM|9} (expanded). */
public record StopSignalInstruction(Node node, String signal) implements Instruction {
    @Override
    public StopSignalInstruction expand(Expander x) {
        return new StopSignalInstruction(node, x.word(node, signal));
    }
}
