package dev.strata.dockerfile;

/** {@code USER name[:group]} (expanded). */
public record UserInstruction(Node node, String user) implements Instruction {
    @Override
    public UserInstruction expand(Expander x) {
        return new UserInstruction(node, x.word(node, user));
    }
}
