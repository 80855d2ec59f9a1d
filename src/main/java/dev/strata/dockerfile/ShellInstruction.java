package dev.strata.dockerfile;

import java.util.List;

/** {@code SHELL ["executable", "param"...]}: the shell of later shell-form commands (JSON form only). */
public record ShellInstruction(Node node, List<String> shell) implements Instruction {
    public ShellInstruction {
        shell = List.copyOf(shell);
    }

    @Override
    public ShellInstruction expand(Expander x) {
        return this;
    }
}
