package dev.strata.dockerfile;

/**
 * {@code ONBUILD INSTRUCTION ...}: stored in the image config as {@link #triggerText} and run by
 * builds that use this image as their base; the trigger is parsed now so mistakes show early.
 */
public record OnbuildInstruction(Node node, Instruction trigger, String triggerText) implements Instruction {
    @Override
    public OnbuildInstruction expand(Expander x) {
        return this;
    }
}
