package dev.strata.dockerfile;

import java.util.List;

/** {@code ARG NAME[=default] ...}: defaults are expanded when the line is reached. */
public record ArgInstruction(Node node, List<ArgDecl> args) implements Instruction {
    public ArgInstruction {
        args = List.copyOf(args);
    }

    @Override
    public ArgInstruction expand(Expander x) {
        return new ArgInstruction(
                node,
                args.stream()
                        .map(a -> new ArgDecl(a.name(), x.word(node, a.defaultValue())))
                        .toList());
    }
}
