package dev.strata.dockerfile;

/** {@code MAINTAINER name} (deprecated; sets the image author). */
public record MaintainerInstruction(Node node, String maintainer) implements Instruction {
    @Override
    public MaintainerInstruction expand(Expander x) {
        return this;
    }
}
