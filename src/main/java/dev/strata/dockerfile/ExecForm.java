package dev.strata.dockerfile;

import java.util.List;

/** A command written as a JSON array of strings; it runs as is, without a shell. */
public record ExecForm(List<String> args) implements CommandForm {
    public ExecForm {
        args = List.copyOf(args);
    }

    @Override
    public List<String> toArgs(List<String> shell) {
        return args;
    }
}
