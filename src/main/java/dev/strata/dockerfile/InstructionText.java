package dev.strata.dockerfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders a (usually expanded) instruction back to one Dockerfile line: for plans, history
 * ({@code created_by}) and messages. Values with spaces or quotes are quoted JSON-style.
 */
public final class InstructionText {
    private InstructionText() {}

    /** {@code KEYWORD --flag=v ... arguments}. */
    public static String render(Instruction ins) {
        StringBuilder b = new StringBuilder(ins.keyword());
        for (String f : flags(ins)) {
            b.append(' ').append(f);
        }
        String args = arguments(ins);
        if (!args.isEmpty()) {
            b.append(' ').append(args);
        }
        return b.toString();
    }

    /** The flags as {@code --name=value}, in a fixed order. */
    public static List<String> flags(Instruction ins) {
        List<String> out = new ArrayList<>();
        if (ins instanceof FromInstruction f) {
            opt(out, "platform", f.platform());
        } else if (ins instanceof RunInstruction r) {
            for (Mount m : r.mounts()) {
                StringBuilder s =
                        new StringBuilder("--mount=type=").append(m.type().text());
                m.options()
                        .forEach((k, v) -> s.append(',').append(k).append('=').append(v));
                out.add(s.toString());
            }
            opt(out, "network", r.network());
            opt(out, "security", r.security());
        } else if (ins instanceof CopyInstruction c) {
            opt(out, "from", c.from());
            opt(out, "chown", c.chown());
            opt(out, "chmod", c.chmod());
            bool(out, "link", c.link());
            bool(out, "parents", c.parents());
            c.excludes().forEach(e -> out.add("--exclude=" + e));
        } else if (ins instanceof AddInstruction a) {
            opt(out, "chown", a.chown());
            opt(out, "chmod", a.chmod());
            opt(out, "checksum", a.checksum());
            bool(out, "keep-git-dir", a.keepGitDir());
            bool(out, "link", a.link());
            a.excludes().forEach(e -> out.add("--exclude=" + e));
        } else if (ins instanceof HealthcheckInstruction h) {
            h.interval().ifPresent(d -> out.add("--interval=" + d(d)));
            h.timeout().ifPresent(d -> out.add("--timeout=" + d(d)));
            h.startPeriod().ifPresent(d -> out.add("--start-period=" + d(d)));
            h.startInterval().ifPresent(d -> out.add("--start-interval=" + d(d)));
            h.retries().ifPresent(r -> out.add("--retries=" + r));
        }
        return out;
    }

    /** Everything after the flags. */
    public static String arguments(Instruction ins) {
        if (ins instanceof FromInstruction f) {
            return f.image() + f.stageName().map(n -> " AS " + n).orElse("");
        } else if (ins instanceof RunInstruction r) {
            return command(r.command());
        } else if (ins instanceof CmdInstruction c) {
            return command(c.command());
        } else if (ins instanceof EntrypointInstruction e) {
            return command(e.command());
        } else if (ins instanceof ShellInstruction s) {
            return json(s.shell());
        } else if (ins instanceof LabelInstruction l) {
            return pairs(l.labels());
        } else if (ins instanceof EnvInstruction e) {
            return pairs(e.variables());
        } else if (ins instanceof ExposeInstruction x) {
            return String.join(" ", x.ports());
        } else if (ins instanceof AddInstruction a) {
            return paths(a.sources(), a.heredocs(), a.destination());
        } else if (ins instanceof CopyInstruction c) {
            return paths(c.sources(), c.heredocs(), c.destination());
        } else if (ins instanceof VolumeInstruction v) {
            return json(v.paths());
        } else if (ins instanceof UserInstruction u) {
            return u.user();
        } else if (ins instanceof WorkdirInstruction w) {
            return w.path();
        } else if (ins instanceof ArgInstruction a) {
            return a.args().stream()
                    .map(d ->
                            d.name() + d.defaultValue().map(v -> "=" + quote(v)).orElse(""))
                    .collect(Collectors.joining(" "));
        } else if (ins instanceof OnbuildInstruction o) {
            return o.triggerText();
        } else if (ins instanceof StopSignalInstruction s) {
            return s.signal();
        } else if (ins instanceof HealthcheckInstruction h) {
            return h.command().map(c -> "CMD " + command(c)).orElse("NONE");
        } else if (ins instanceof MaintainerInstruction m) {
            return m.maintainer();
        }
        throw new IllegalStateException("unreachable: " + ins.getClass());
    }

    private static String paths(List<String> sources, List<Heredoc> heredocs, String dest) {
        List<String> all = new ArrayList<>();
        heredocs.forEach(h -> all.add("<<" + (h.stripTabs() ? "-" : "") + h.name()));
        all.addAll(sources);
        all.add(dest);
        return all.stream().map(InstructionText::quote).collect(Collectors.joining(" "));
    }

    private static String command(CommandForm c) {
        return c instanceof ExecForm e ? json(e.args()) : ((ShellForm) c).text();
    }

    private static String pairs(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> quote(kv.key()) + "=" + quote(kv.value())).collect(Collectors.joining(" "));
    }

    /** JSON array of strings. */
    public static String json(List<String> values) {
        return values.stream().map(InstructionText::jsonString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '\\')) {
            return v;
        }
        return jsonString(v);
    }

    /** One string quoted JSON-style. */
    public static String jsonString(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void opt(List<String> out, String name, Optional<String> v) {
        v.ifPresent(x -> out.add("--" + name + "=" + x));
    }

    private static void bool(List<String> out, String name, boolean v) {
        if (v) {
            out.add("--" + name);
        }
    }

    private static String d(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }
}
