package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks of {@code docker build --check} that need no build arguments (BuildKit's rule names). */
final class Linter {
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)");

    private Linter() {}

    static List<Warning> filter(Directives directives, List<Warning> warnings) {
        Set<String> skip = directives.skippedChecks();
        if (skip.contains("all")) {
            return List.of();
        }
        return warnings.stream().filter(w -> !skip.contains(w.rule())).toList();
    }

    static List<Warning> staticChecks(Dockerfile df) {
        List<Warning> out = new ArrayList<>();
        casing(df, out);
        Set<String> names = new HashSet<>();
        for (ArgInstruction a : df.globalArgs()) {
            secrets(a, out);
        }
        for (Stage stage : df.stages()) {
            FromInstruction from = stage.from();
            Node fn = from.node();
            from.platform().ifPresent(p -> {
                Position at = fn.flag("platform").map(Flag::position).orElse(fn.position());
                if (p.equals("$TARGETPLATFORM") || p.equals("${TARGETPLATFORM}")) {
                    out.add(new Warning(
                            "RedundantTargetPlatform",
                            at,
                            "Setting platform to predefined " + p
                                    + " in FROM is redundant as this is the default behavior"));
                } else if (p.indexOf('$') < 0) {
                    out.add(new Warning(
                            "FromPlatformFlagConstDisallowed",
                            at,
                            "FROM --platform flag should not use constant value \"" + p + "\""));
                }
            });
            if (stage.name().isPresent()) {
                List<String> w = new InstructionParser(df.escape()).words(fn.args());
                String asWord = w.get(1);
                String rawName = w.get(2);
                Position at = fn.positionAt(fn.args().lastIndexOf(rawName));
                if (!rawName.equals(rawName.toLowerCase(Locale.ROOT))) {
                    out.add(new Warning("StageNameCasing", at, "Stage name '" + rawName + "' should be lowercase"));
                }
                boolean fromUpper = fn.keyword().equals(fn.keyword().toUpperCase(Locale.ROOT));
                boolean asUpper = asWord.equals(asWord.toUpperCase(Locale.ROOT));
                if (fromUpper != asUpper) {
                    out.add(new Warning(
                            "FromAsCasing",
                            fn.positionAt(fn.args().lastIndexOf(" " + asWord + " ") + 1),
                            "'" + asWord + "' and '" + fn.keyword() + "' keywords' casing do not match"));
                }
                String name = stage.name().get();
                if (!names.add(name)) {
                    out.add(new Warning(
                            "DuplicateStageName",
                            at,
                            "Duplicate stage name \"" + name + "\", stage names should be unique"));
                }
                if (name.equals("scratch") || name.equals("context")) {
                    out.add(new Warning(
                            "ReservedStageName",
                            at,
                            "Stage name should not use the same name as reserved stage \"" + name + "\""));
                }
            }
            stageChecks(stage, out);
        }
        return out;
    }

    private static void casing(Dockerfile df, List<Warning> out) {
        int upper = 0;
        int lower = 0;
        for (Node n : df.nodes()) {
            if (n.keyword().equals(n.keyword().toUpperCase(Locale.ROOT))) {
                upper++;
            } else if (n.keyword().equals(n.keyword().toLowerCase(Locale.ROOT))) {
                lower++;
            }
        }
        boolean upperMajority = upper >= lower;
        for (Node n : df.nodes()) {
            String expected = upperMajority
                    ? n.keyword().toUpperCase(Locale.ROOT)
                    : n.keyword().toLowerCase(Locale.ROOT);
            if (!n.keyword().equals(expected)) {
                out.add(new Warning(
                        "ConsistentInstructionCasing",
                        n.position(),
                        "Command '" + n.keyword() + "' should match the case of the command majority ("
                                + (upperMajority ? "uppercase" : "lowercase") + ")"));
            }
        }
    }

    private static void stageChecks(Stage stage, List<Warning> out) {
        boolean shellChanged = false;
        boolean absoluteWorkdir = false;
        Map<String, Instruction> last = new HashMap<>();
        for (Instruction ins : stage.instructions()) {
            Node n = ins.node();
            if (ins instanceof ShellInstruction) {
                shellChanged = true;
            } else if (ins instanceof CmdInstruction c) {
                jsonArgs(c.command(), n, shellChanged, out);
                once("CMD", ins, last, out);
            } else if (ins instanceof EntrypointInstruction e) {
                jsonArgs(e.command(), n, shellChanged, out);
                once("ENTRYPOINT", ins, last, out);
            } else if (ins instanceof HealthcheckInstruction) {
                once("HEALTHCHECK", ins, last, out);
            } else if (ins instanceof MaintainerInstruction) {
                out.add(
                        new Warning(
                                "MaintainerDeprecated",
                                n.position(),
                                "Maintainer instruction is deprecated in favor of using label (LABEL org.opencontainers.image.authors=...)"));
            } else if (ins instanceof WorkdirInstruction w) {
                String p = w.path().replace("\"", "").replace("'", "");
                boolean abs = p.startsWith("/") || p.startsWith("$") || p.matches("(?i)[a-z]:.*") || p.startsWith("\\");
                if (abs) {
                    absoluteWorkdir = true;
                } else if (!absoluteWorkdir) {
                    out.add(new Warning(
                            "WorkdirRelativePath",
                            n.argsPosition(),
                            "Relative workdir \"" + w.path()
                                    + "\" can have unexpected results if the base image changes"));
                }
            } else if (ins instanceof EnvInstruction e) {
                if (e.legacyForm()) {
                    out.add(new Warning(
                            "LegacyKeyValueFormat",
                            n.position(),
                            "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format"));
                }
                for (KeyValue kv : e.variables()) {
                    if (SECRET.matcher(kv.key()).find()) {
                        out.add(new Warning(
                                "SecretsUsedInArgOrEnv",
                                n.position(),
                                "Do not use ARG or ENV instructions for sensitive data (ENV \"" + kv.key() + "\")"));
                    }
                }
            } else if (ins instanceof LabelInstruction && n.args().indexOf('=') < 0) {
                out.add(new Warning(
                        "LegacyKeyValueFormat",
                        n.position(),
                        "\"LABEL key=value\" should be used instead of legacy \"LABEL key value\" format"));
            } else if (ins instanceof ArgInstruction a) {
                secrets(a, out);
            } else if (ins instanceof ExposeInstruction x) {
                for (String p : x.ports()) {
                    int slash = p.indexOf('/');
                    if (slash > 0
                            && !p.substring(slash).equals(p.substring(slash).toLowerCase(Locale.ROOT))) {
                        out.add(new Warning(
                                "ExposeProtoCasing",
                                n.argsPosition(),
                                "Defined protocol '" + p + "' in EXPOSE instruction should be lowercase"));
                    }
                }
            }
        }
    }

    private static void secrets(ArgInstruction a, List<Warning> out) {
        for (ArgDecl d : a.args()) {
            if (SECRET.matcher(d.name()).find()) {
                out.add(new Warning(
                        "SecretsUsedInArgOrEnv",
                        a.node().position(),
                        "Do not use ARG or ENV instructions for sensitive data (ARG \"" + d.name() + "\")"));
            }
        }
    }

    private static void jsonArgs(CommandForm c, Node n, boolean shellChanged, List<Warning> out) {
        if (c instanceof ShellForm && !shellChanged) {
            out.add(new Warning(
                    "JSONArgsRecommended",
                    n.position(),
                    "JSON arguments recommended for " + n.instruction()
                            + " to prevent unintended behavior related to OS signals"));
        }
    }

    private static void once(String kw, Instruction ins, Map<String, Instruction> last, List<Warning> out) {
        Instruction prev = last.put(kw, ins);
        if (prev != null) {
            out.add(
                    new Warning(
                            "MultipleInstructionsDisallowed",
                            prev.node().position(),
                            "Multiple " + kw
                                    + " instructions should not be used in the same stage because only the last one will be used"));
        }
    }
}
