package dev.strata.dockerfile;

import java.util.List;

/**
 * {@code ENV k=v ...} or the legacy {@code ENV k v}. Every value is expanded with the variables seen
 * before this line (so {@code ENV a=1 b=$a} gives b the earlier a).
 */
public record EnvInstruction(Node node, List<KeyValue> variables, boolean legacyForm) implements Instruction {
    public EnvInstruction {
        variables = List.copyOf(variables);
    }

    @Override
    public EnvInstruction expand(Expander x) {
        return new EnvInstruction(
                node,
                variables.stream()
                        .map(kv -> new KeyValue(x.word(node, kv.key()), x.word(node, kv.value())))
                        .toList(),
                legacyForm);
    }
}
