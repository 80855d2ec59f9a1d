package dev.strata.dockerfile;

/** {@code ENTRYPOINT}: the image's entrypoint; never expanded. */
public record EntrypointInstruction(Node node, CommandForm command) implements Instruction {
    @Override
    public EntrypointInstruction expand(Expander x) {
        return this;
    }
}
