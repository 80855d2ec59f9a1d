package dev.strata.dockerfile;

import java.util.Optional;

/** {@code FROM [--platform=P] image [AS name]}: starts a stage; image and platform are expanded with global ARGs. */
public record FromInstruction(Node node, String image, Optional<String> platform, Optional<String> stageName)
        implements Instruction {
    @Override
    public FromInstruction expand(Expander x) {
        return new FromInstruction(node, x.word(node, image), x.word(node, platform), stageName);
    }
}
