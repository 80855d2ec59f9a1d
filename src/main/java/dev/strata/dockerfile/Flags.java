package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Checks an instruction's flags against the ones it takes and reads their values. */
final class Flags {
    private final Node node;

    Flags(Node node, Set<String> allowed, Set<String> repeatable) {
        this.node = node;
        List<String> seen = new ArrayList<>();
        for (Flag f : node.flags()) {
            if (!allowed.contains(f.name())) {
                String hint = allowed.isEmpty()
                        ? node.instruction() + " takes no flags"
                        : node.instruction() + " takes "
                                + String.join(
                                        ", ",
                                        allowed.stream()
                                                .sorted()
                                                .map(a -> "--" + a)
                                                .toList());
                throw new DockerfileException(f.position(), "unknown flag --" + f.name() + " (" + hint + ")");
            }
            if (seen.contains(f.name()) && !repeatable.contains(f.name())) {
                throw new DockerfileException(f.position(), "flag --" + f.name() + " is given more than once");
            }
            seen.add(f.name());
        }
    }

    Optional<String> value(String name) {
        Optional<Flag> f = node.flag(name);
        if (f.isPresent() && f.get().value().isEmpty()) {
            throw new DockerfileException(f.get().position(), "flag --" + name + " needs a value (--" + name + "=...)");
        }
        return f.flatMap(Flag::value);
    }

    List<Flag> all(String name) {
        List<Flag> out = new ArrayList<>();
        for (Flag f : node.flags()) {
            if (f.name().equals(name)) {
                if (f.value().isEmpty()) {
                    throw new DockerfileException(
                            f.position(), "flag --" + name + " needs a value (--" + name + "=...)");
                }
                out.add(f);
            }
        }
        return out;
    }

    List<String> values(String name) {
        return all(name).stream().map(f -> f.value().orElseThrow()).toList();
    }

    boolean bool(String name) {
        Optional<Flag> f = node.flag(name);
        if (f.isEmpty()) {
            return false;
        }
        String v = f.get().value().orElse("true");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default ->
                throw new DockerfileException(
                        f.get().position(), "flag --" + name + " takes true or false, not \"" + v + "\"");
        };
    }

    Position position(String name) {
        return node.flag(name).map(Flag::position).orElse(node.position());
    }
}
