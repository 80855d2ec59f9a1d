package dev.strata.dockerfile;

/** {@code CMD}: the default command or ENTRYPOINT arguments of the image; never expanded. */
public record CmdInstruction(Node node, CommandForm command) implements Instruction {
    @Override
    public CmdInstruction expand(Expander x) {
        return this;
    }
}
