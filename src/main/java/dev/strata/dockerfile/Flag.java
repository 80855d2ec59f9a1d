package dev.strata.dockerfile;

import java.util.Optional;

/** One {@code --name[=value]} flag of an instruction, quotes removed, with its position. */
public record Flag(String name, Optional<String> value, Position position) {

    /** The flag as written, {@code --name=value}, for messages. */
    public String text() {
        return "--" + name + value.map(v -> "=" + v).orElse("");
    }
}
