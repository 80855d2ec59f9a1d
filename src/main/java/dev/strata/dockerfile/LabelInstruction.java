package dev.strata.dockerfile;

import java.util.List;

/** {@code LABEL k=v ...}: keys and values expanded, quotes removed. */
public record LabelInstruction(Node node, List<KeyValue> labels) implements Instruction {
    public LabelInstruction {
        labels = List.copyOf(labels);
    }

    @Override
    public LabelInstruction expand(Expander x) {
        return new LabelInstruction(
                node,
                labels.stream()
                        .map(kv -> new KeyValue(x.word(node, kv.key()), x.word(node, kv.value())))
                        .toList());
    }
}
