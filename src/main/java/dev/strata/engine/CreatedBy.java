package dev.strata.engine;

import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.ArgInstruction;
import dev.strata.dockerfile.CmdInstruction;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.EntrypointInstruction;
import dev.strata.dockerfile.EnvInstruction;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.ExposeInstruction;
import dev.strata.dockerfile.HealthcheckInstruction;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.InstructionText;
import dev.strata.dockerfile.KeyValue;
import dev.strata.dockerfile.LabelInstruction;
import dev.strata.dockerfile.OnbuildInstruction;
import dev.strata.dockerfile.ShellInstruction;
import dev.strata.dockerfile.StopSignalInstruction;
import dev.strata.dockerfile.UserInstruction;
import dev.strata.dockerfile.VolumeInstruction;
import dev.strata.dockerfile.WorkdirInstruction;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Healthcheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * History {@code created_by} text exactly as BuildKit's Dockerfile frontend writes it, so tools that
 * show history (docker history, dive) read the same: values after expansion and unquoted, Go's
 * {@code %v}/{@code %q} renderings where BuildKit uses them (EXPOSE/VOLUME/SHELL lists, CMD and
 * HEALTHCHECK quoting), WORKDIR resolved, ARG with the value it took, only --parents/--chown/--chmod
 * among COPY/ADD flags, none for ONBUILD, and {@code # buildkit} on RUN, COPY
 * and ADD whether or not their layer turned out empty. The comment field carries {@link #COMMENT}.
 */
final class CreatedBy {
    static final String COMMENT = "buildkit.dockerfile.v0";
    private static final String SUFFIX = " # buildkit";

    private CreatedBy() {}

    /** For any step but RUN; {@code after} is the container config once the step applied. */
    static String of(ExpandedStep step, ContainerConfig after) {
        Instruction ins = step.expanded();
        if (ins instanceof EnvInstruction e) {
            return "ENV " + pairs(e.variables());
        } else if (ins instanceof LabelInstruction l) {
            return "LABEL " + pairs(l.labels());
        } else if (ins instanceof WorkdirInstruction) {
            return "WORKDIR " + after.workingDir();
        } else if (ins instanceof UserInstruction u) {
            return "USER " + u.user();
        } else if (ins instanceof ExposeInstruction x) {
            // current BuildKit: the parsed ports as a list in written order (older ones printed a Go map)
            List<String> ports = new ArrayList<>();
            x.ports().forEach(p -> ports.addAll(ConfigSteps.ports(p)));
            return "EXPOSE " + goList(ports);
        } else if (ins instanceof VolumeInstruction v) {
            return "VOLUME " + goList(v.paths());
        } else if (ins instanceof ShellInstruction s) {
            return "SHELL " + goList(s.shell());
        } else if (ins instanceof StopSignalInstruction s) {
            return "STOPSIGNAL " + s.signal();
        } else if (ins instanceof CmdInstruction) {
            return "CMD " + goQuoted(after.cmd().orElse(List.of()));
        } else if (ins instanceof EntrypointInstruction) {
            return "ENTRYPOINT " + goQuoted(after.entrypoint().orElse(List.of()));
        } else if (ins instanceof HealthcheckInstruction) {
            return "HEALTHCHECK " + healthcheck(after.healthcheck().orElseThrow());
        } else if (ins instanceof ArgInstruction a) {
            // the value the ARG took: --build-arg, else its default, else the global ARG's
            Map<String, String> values = step.next().args();
            return "ARG "
                    + a.args().stream()
                            .map(d -> d.name() + (values.containsKey(d.name()) ? "=" + values.get(d.name()) : ""))
                            .collect(Collectors.joining(" "));
        } else if (ins instanceof CopyInstruction c) {
            return "COPY" + copyFlags(c.parents(), c.chown(), c.chmod())
                    + paths(c.heredocs(), c.sources(), c.destination()) + SUFFIX;
        } else if (ins instanceof AddInstruction a) {
            return "ADD" + copyFlags(false, a.chown(), a.chmod()) + paths(a.heredocs(), a.sources(), a.destination())
                    + SUFFIX;
        }
        return InstructionText.render(ins);
    }

    /** For RUN: {@code RUN [|N a=1 b=2] argv...} like BuildKit's runCommandString. */
    static String run(ExpandedStep step, List<String> argv) {
        StringBuilder b = new StringBuilder("RUN ");
        Map<String, String> args = step.args();
        long visible =
                args.keySet().stream().filter(k -> !step.env().containsKey(k)).count();
        if (visible > 0) {
            b.append('|').append(visible);
            args.forEach((k, v) -> {
                if (!step.env().containsKey(k)) {
                    b.append(' ').append(k).append('=').append(v);
                }
            });
            b.append(' ');
        }
        b.append(String.join(" ", argv));
        return b.append(SUFFIX).toString();
    }

    private static String pairs(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> kv.key() + "=" + kv.value()).collect(Collectors.joining(" "));
    }

    /** The only COPY/ADD flags BuildKit writes into history (not --from, --link, --exclude). */
    private static String copyFlags(boolean parents, Optional<String> chown, Optional<String> chmod) {
        return (parents ? " --parents" : "")
                + chown.map(c -> " --chown=" + c).orElse("")
                + chmod.map(c -> " --chmod=" + c).orElse("");
    }

    /** Sources, then here-documents, then the destination, like BuildKit's commit message. */
    private static String paths(List<Heredoc> heredocs, List<String> sources, String dest) {
        List<String> all = new ArrayList<>(sources);
        heredocs.forEach(h -> all.add("<<" + h.name()));
        all.add(dest);
        return " " + String.join(" ", all);
    }

    /** BuildKit records no history entry for ONBUILD: the trigger only lands in the config. */
    static boolean recorded(ExpandedStep step) {
        return !(step.expanded() instanceof OnbuildInstruction);
    }

    /** Go's {@code %v} of a []string: {@code [a b]}. */
    private static String goList(List<String> values) {
        return "[" + String.join(" ", values) + "]";
    }

    /**
     * Go's {@code %q} of a []string: {@code ["a" "b"]}. Strings are quoted JSON-style, which is Go's
     * quoting for everything but control characters (rare in a CMD).
     */
    static String goQuoted(List<String> values) {
        return values.stream().map(InstructionText::jsonString).collect(Collectors.joining(" ", "[", "]"));
    }

    /** Go's {@code %q} of a *HealthConfig: {@code &{["CMD-SHELL" "x"] "5s" "3s" "0s" "0s" '\x02'}}. */
    static String healthcheck(Healthcheck h) {
        return "&{" + goQuoted(h.test()) + " \"" + goDuration(h.intervalNanos()) + "\" \""
                + goDuration(h.timeoutNanos())
                + "\" \"" + goDuration(h.startPeriodNanos()) + "\" \"" + goDuration(h.startIntervalNanos()) + "\" "
                + goRune(h.retries()) + "}";
    }

    /** Go's {@code %q} of an int (strconv.QuoteRune): {@code '\x02'}, {@code '\a'}, {@code 'A'}. */
    static String goRune(int r) {
        String body = switch (r) {
            case 7 -> "\\a";
            case 8 -> "\\b";
            case 9 -> "\\t";
            case 10 -> "\\n";
            case 11 -> "\\v";
            case 12 -> "\\f";
            case 13 -> "\\r";
            case '\'' -> "\\'";
            case '\\' -> "\\\\";
            default -> r >= 0x20 && r < 0x7f ? String.valueOf((char) r) : String.format("\\x%02x", r);
        };
        return "'" + body + "'";
    }

    /** Go's time.Duration String(): 0s, 500ms, 5s, 1m30s, 1h0m0s. */
    static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return decimal(nanos, 1_000, 3) + "µs";
        }
        if (nanos < 1_000_000_000) {
            return decimal(nanos, 1_000_000, 6) + "ms";
        }
        long h = nanos / 3_600_000_000_000L;
        long m = nanos / 60_000_000_000L % 60;
        long s = nanos % 60_000_000_000L;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            b.append(m).append('m');
        }
        return b.append(decimal(s, 1_000_000_000, 9)).append('s').toString();
    }

    private static String decimal(long v, long unit, int digits) {
        long whole = v / unit;
        long frac = v % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format("%0" + digits + "d", frac).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
