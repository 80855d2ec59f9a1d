package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variables one instruction of a stage sees, as docker scopes them: the base image's ENV and the
 * stage's ENV, ARGs declared in the stage (value from --build-arg, else the default, else the global
 * ARG of the same name), ENV winning over ARG. Immutable: {@link #expand} returns the next scope.
 */
public final class StageScope {
    static final Set<String> PROXY_ARGS = Set.of(
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "FTP_PROXY",
            "ftp_proxy",
            "NO_PROXY",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy");
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    private final BuildPlan plan;
    private final Map<String, String> env;
    private final Map<String, String> args;
    private final Set<String> declared;
    private final List<String> shell;
    private final boolean partial;

    private StageScope(
            BuildPlan plan,
            Map<String, String> env,
            Map<String, String> args,
            Set<String> declared,
            List<String> shell,
            boolean partial) {
        this.plan = plan;
        this.env = Collections.unmodifiableMap(env);
        this.args = Collections.unmodifiableMap(args);
        this.declared = Collections.unmodifiableSet(declared);
        this.shell = List.copyOf(shell);
        this.partial = partial;
    }

    static StageScope start(BuildPlan plan, ResolvedStage stage, Map<String, String> baseEnv, boolean partial) {
        String escape = String.valueOf(plan.dockerfile().escape());
        List<String> shell = escape.equals("`") && stage.platform().startsWith("windows")
                ? List.of("cmd", "/S", "/C")
                : DEFAULT_SHELL;
        return new StageScope(
                plan, new LinkedHashMap<>(baseEnv), new LinkedHashMap<>(), new LinkedHashSet<>(), shell, partial);
    }

    /** ENV so far (base image's, then the stage's). */
    public Map<String, String> env() {
        return env;
    }

    /** ARGs declared in this stage so far that have a value. */
    public Map<String, String> args() {
        return args;
    }

    /** Every ARG name declared in this stage so far, with or without a value. */
    public Set<String> declaredArgs() {
        return declared;
    }

    /** The shell of shell-form commands (SHELL changes it; {@code /bin/sh -c} by default). */
    public List<String> shell() {
        return shell;
    }

    /** What {@code $NAME} means here: ARGs overlaid by ENV. */
    public Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>(args);
        v.putAll(env);
        return v;
    }

    /** The environment of a RUN here: ARGs, then ENV over them, plus proxy build args nobody declared. */
    public Map<String, String> runEnvironment() {
        Map<String, String> v = new LinkedHashMap<>();
        plan.options().buildArgs().forEach((k, val) -> {
            if (PROXY_ARGS.contains(k) && !declared.contains(k)) {
                v.put(k, val);
            }
        });
        v.putAll(variables());
        return v;
    }

    /** An expander with this scope's variables. */
    public Expander expander() {
        char esc = plan.dockerfile().escape();
        return partial ? Expander.partial(esc, variables(), unsetArgs(declared, args)) : new Expander(esc, variables());
    }

    private Set<String> unsetArgs(Set<String> decl, Map<String, String> valued) {
        Set<String> out = new LinkedHashSet<>(decl);
        out.removeAll(valued.keySet());
        out.removeAll(env.keySet());
        return out;
    }

    /** Expands {@code instruction} here; ARG, ENV and SHELL also change the returned next scope. */
    public ExpandedStep expand(Instruction instruction) {
        Map<String, String> newEnv = new LinkedHashMap<>(env);
        Map<String, String> newArgs = new LinkedHashMap<>(args);
        Set<String> newDeclared = new LinkedHashSet<>(declared);
        List<String> newShell = shell;
        Instruction expanded;
        if (instruction instanceof ArgInstruction arg) {
            List<ArgDecl> out = new ArrayList<>();
            for (ArgDecl d : arg.args()) {
                // Each name sees the ones before it on the same line.
                Map<String, String> vars = new LinkedHashMap<>(newArgs);
                vars.putAll(newEnv);
                char esc = plan.dockerfile().escape();
                Expander x = partial
                        ? Expander.partial(esc, vars, unsetArgs(newDeclared, newArgs))
                        : new Expander(esc, vars);
                ArgDecl e = new ArgDecl(d.name(), x.word(arg.node(), d.defaultValue()));
                out.add(e);
                newDeclared.add(d.name());
                String given = plan.options().buildArgs().get(d.name());
                if (given != null) {
                    newArgs.put(d.name(), given);
                } else if (e.defaultValue().isPresent()) {
                    newArgs.put(d.name(), e.defaultValue().get());
                } else if (plan.globalArgs().containsKey(d.name())) {
                    newArgs.put(d.name(), plan.globalArgs().get(d.name()));
                } else {
                    newArgs.remove(d.name());
                }
            }
            expanded = new ArgInstruction(arg.node(), out);
        } else {
            expanded = instruction.expand(expander());
            if (expanded instanceof EnvInstruction e) {
                for (KeyValue kv : e.variables()) {
                    newEnv.remove(kv.key());
                    newEnv.put(kv.key(), kv.value());
                }
            } else if (expanded instanceof ShellInstruction s) {
                newShell = s.shell();
            }
        }
        StageScope next = new StageScope(plan, newEnv, newArgs, newDeclared, newShell, partial);
        return new ExpandedStep(instruction, expanded, args, env, runEnvironment(), next);
    }
}
