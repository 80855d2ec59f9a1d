package dev.strata.dockerfile;

import java.util.List;

/** {@code VOLUME ["/a", "/b"]} or {@code VOLUME /a /b}: paths expanded. */
public record VolumeInstruction(Node node, List<String> paths) implements Instruction {
    public VolumeInstruction {
        paths = List.copyOf(paths);
    }

    @Override
    public VolumeInstruction expand(Expander x) {
        return new VolumeInstruction(node, x.each(node, paths));
    }
}
