package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;

/** A command written as text; it runs as {@code SHELL + [text]} and the shell expands its variables. */
public record ShellForm(String text) implements CommandForm {
    @Override
    public List<String> toArgs(List<String> shell) {
        List<String> out = new ArrayList<>(shell);
        out.add(text);
        return out;
    }
}
