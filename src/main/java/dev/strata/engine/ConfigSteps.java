package dev.strata.engine;

import dev.strata.dockerfile.ArgInstruction;
import dev.strata.dockerfile.CmdInstruction;
import dev.strata.dockerfile.CommandForm;
import dev.strata.dockerfile.EntrypointInstruction;
import dev.strata.dockerfile.EnvInstruction;
import dev.strata.dockerfile.ExecForm;
import dev.strata.dockerfile.ExposeInstruction;
import dev.strata.dockerfile.HealthcheckInstruction;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.KeyValue;
import dev.strata.dockerfile.LabelInstruction;
import dev.strata.dockerfile.MaintainerInstruction;
import dev.strata.dockerfile.OnbuildInstruction;
import dev.strata.dockerfile.ShellForm;
import dev.strata.dockerfile.ShellInstruction;
import dev.strata.dockerfile.StopSignalInstruction;
import dev.strata.dockerfile.UserInstruction;
import dev.strata.dockerfile.VolumeInstruction;
import dev.strata.dockerfile.WorkdirInstruction;
import dev.strata.error.StrataException;
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.Healthcheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The instructions that change only the image config, applied the way docker (BuildKit) applies
 * them. WORKDIR is here for its config part; creating the directory is a filesystem step.
 */
final class ConfigSteps {
    private ConfigSteps() {}

    /**
     * Applies {@code ins} (expanded) to {@code c}. {@code shell} is the stage's SHELL before the
     * instruction, for shell-form CMD, ENTRYPOINT and HEALTHCHECK. Returns the author to set, if the
     * instruction was MAINTAINER.
     */
    static Optional<String> apply(Instruction ins, ConfigEditor c, StageFlags flags, List<String> shell) {
        if (ins instanceof EnvInstruction e) {
            for (KeyValue kv : e.variables()) {
                c.setEnv(kv.key(), kv.value());
            }
        } else if (ins instanceof LabelInstruction l) {
            for (KeyValue kv : l.labels()) {
                c.labels.put(kv.key(), kv.value());
            }
        } else if (ins instanceof UserInstruction u) {
            c.user = u.user();
        } else if (ins instanceof WorkdirInstruction w) {
            c.workingDir = workdir(c.workingDir, w.path());
        } else if (ins instanceof ExposeInstruction x) {
            for (String p : x.ports()) {
                c.exposedPorts.addAll(ports(p));
            }
        } else if (ins instanceof VolumeInstruction v) {
            for (String p : v.paths()) {
                if (p.isBlank()) {
                    throw StrataException.input(
                            ins.node().position() + ": VOLUME specified can not be an empty string");
                }
                c.volumes.add(p);
            }
        } else if (ins instanceof StopSignalInstruction s) {
            c.stopSignal = s.signal();
        } else if (ins instanceof ShellInstruction s) {
            c.shell = s.shell();
        } else if (ins instanceof CmdInstruction cmd) {
            c.cmd = Optional.of(args(cmd.command(), shell));
            flags.cmdSet = true;
        } else if (ins instanceof EntrypointInstruction ep) {
            c.entrypoint = Optional.of(args(ep.command(), shell));
            // docker: a new ENTRYPOINT drops the inherited CMD unless this stage set one already
            if (!flags.cmdSet) {
                c.cmd = Optional.empty();
            }
        } else if (ins instanceof HealthcheckInstruction h) {
            c.healthcheck = Optional.of(healthcheck(h, shell));
        } else if (ins instanceof OnbuildInstruction o) {
            c.onBuild.add(o.triggerText());
        } else if (ins instanceof MaintainerInstruction m) {
            return Optional.of(m.maintainer());
        } else if (!(ins instanceof ArgInstruction)) {
            throw new IllegalArgumentException("not a config instruction: " + ins.keyword());
        }
        return Optional.empty();
    }

    /** The args the config stores: exec form as is, shell form as SHELL + [text]. */
    static List<String> args(CommandForm form, List<String> shell) {
        return form.toArgs(shell);
    }

    /** WORKDIR {@code path} after {@code previous}: relative paths join the previous one, then cleaned. */
    static String workdir(String previous, String path) {
        String base = previous.isEmpty() ? "/" : previous;
        String joined = path.startsWith("/") ? path : base + "/" + path;
        return clean(joined);
    }

    /** Cleans an absolute unix path like Go's path.Clean. */
    static String clean(String p) {
        List<String> out = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(part);
            }
        }
        return "/" + String.join("/", out);
    }

    /** {@code 80} → 80/tcp, {@code 53/UDP} → 53/udp, {@code 8000-8002} → each port. */
    static List<String> ports(String spec) {
        String proto = "tcp";
        String range = spec;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            proto = spec.substring(slash + 1).toLowerCase(Locale.ROOT);
            range = spec.substring(0, slash);
        }
        int dash = range.indexOf('-');
        List<String> out = new ArrayList<>();
        if (dash < 0) {
            out.add(Integer.parseInt(range) + "/" + proto);
        } else {
            int lo = Integer.parseInt(range.substring(0, dash));
            int hi = Integer.parseInt(range.substring(dash + 1));
            for (int p = lo; p <= hi; p++) {
                out.add(p + "/" + proto);
            }
        }
        return out;
    }

    private static Healthcheck healthcheck(HealthcheckInstruction h, List<String> shell) {
        if (h.disabled()) {
            return new Healthcheck(List.of("NONE"), 0, 0, 0, 0, 0);
        }
        List<String> test = new ArrayList<>();
        CommandForm form = h.command().orElseThrow();
        if (form instanceof ExecForm e) {
            test.add("CMD");
            test.addAll(e.args());
        } else {
            test.add("CMD-SHELL");
            test.add(((ShellForm) form).text());
        }
        return new Healthcheck(
                test,
                nanos(h.interval()),
                nanos(h.timeout()),
                nanos(h.startPeriod()),
                nanos(h.startInterval()),
                h.retries().orElse(0));
    }

    private static long nanos(Optional<Duration> d) {
        return d.map(Duration::toNanos).orElse(0L);
    }
}
