package dev.strata.dockerfile;

import java.util.List;
import java.util.Optional;

/** One build stage: its FROM, its index (0-based, for {@code COPY --from=0}), optional name, and instructions after FROM. */
public record Stage(int index, Optional<String> name, FromInstruction from, List<Instruction> instructions) {
    public Stage {
        instructions = List.copyOf(instructions);
    }

    /** The name, or the index for unnamed stages (for messages and outlines). */
    public String displayName() {
        return name.orElse(String.valueOf(index));
    }
}
