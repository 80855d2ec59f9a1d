package dev.strata.dockerfile;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed Dockerfile: directives, the syntax nodes, the global ARGs (before the first FROM), the
 * typed stages and the lint warnings that need no build arguments. Entry point of this package.
 */
public record Dockerfile(
        String file,
        Directives directives,
        List<Node> nodes,
        List<ArgInstruction> globalArgs,
        List<Stage> stages,
        List<Warning> warnings) {
    public Dockerfile {
        nodes = List.copyOf(nodes);
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
    }

    /** Parses {@code text}; {@code file} is the name used in messages ({@code file:line:col: ...}). */
    public static Dockerfile parse(String text, String file) {
        SyntaxParser.Result syntax = new SyntaxParser(file, text).parse();
        if (syntax.nodes().isEmpty()) {
            throw new DockerfileException(
                    new Position(file, 1, 1), "the Dockerfile has no instructions: it needs at least a FROM line");
        }
        InstructionParser parser = new InstructionParser(syntax.directives().escape());
        List<ArgInstruction> global = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        FromInstruction from = null;
        List<Instruction> body = new ArrayList<>();
        for (Node node : syntax.nodes()) {
            Instruction ins = parser.parse(node);
            if (ins instanceof FromInstruction f) {
                if (from != null) {
                    stages.add(new Stage(stages.size(), from.stageName(), from, body));
                }
                from = f;
                body = new ArrayList<>();
            } else if (from == null) {
                if (!(ins instanceof ArgInstruction a)) {
                    throw new DockerfileException(
                            node.position(),
                            node.instruction()
                                    + " comes before the first FROM: only ARG may (start a stage with FROM image)");
                }
                global.add(a);
            } else {
                body.add(ins);
            }
        }
        if (from == null) {
            throw new DockerfileException(
                    syntax.nodes().get(syntax.nodes().size() - 1).position(),
                    "the Dockerfile has no FROM: add FROM image to start a build stage");
        }
        stages.add(new Stage(stages.size(), from.stageName(), from, body));
        Dockerfile parsed = new Dockerfile(file, syntax.directives(), syntax.nodes(), global, stages, List.of());
        List<Warning> warnings = new ArrayList<>(syntax.warnings());
        warnings.addAll(Linter.staticChecks(parsed));
        return new Dockerfile(
                file,
                syntax.directives(),
                syntax.nodes(),
                global,
                stages,
                Linter.filter(parsed.directives(), warnings));
    }

    /** Reads and parses a file; the path as given names it in messages. */
    public static Dockerfile read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new StrataException(
                    ExitCode.INPUT,
                    "cannot read Dockerfile " + path + ": " + e.getMessage() + " (use -f to name another file)",
                    e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), path.toString());
    }

    /**
     * Parses the ONBUILD triggers a base image carries (its config's {@code OnBuild} strings), which
     * run right after {@code FROM} in a build that uses that image. {@code origin} names them in
     * messages (for example {@code "python:3-onbuild ONBUILD"}); line N is the N-th trigger.
     */
    public static List<Instruction> parseTriggers(List<String> triggers, String origin, char escape) {
        StringBuilder text = new StringBuilder();
        text.append("# escape=").append(escape).append('\n');
        for (String t : triggers) {
            if (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                throw new DockerfileException(
                        new Position(origin, text.toString().split("\n", -1).length - 1, 1),
                        "ONBUILD trigger spans lines; a trigger is one instruction on one line");
            }
            text.append(t).append('\n');
        }
        SyntaxParser.Result syntax = new SyntaxParser(origin, text.toString()).parse();
        InstructionParser parser = new InstructionParser(escape);
        List<Instruction> out = new ArrayList<>();
        for (Node node : syntax.nodes()) {
            Node shifted = node.shiftLines(-1);
            String kw = shifted.instruction();
            if (kw.equals("ONBUILD") || kw.equals("FROM") || kw.equals("MAINTAINER")) {
                throw new DockerfileException(shifted.position(), kw + " is not allowed as an ONBUILD trigger");
            }
            out.add(parser.parse(shifted));
        }
        return out;
    }

    /** The escape character ({@code \} or {@code `}). */
    public char escape() {
        return directives.escape();
    }

    /** The stage with this name (case-insensitive). */
    public Optional<Stage> stage(String name) {
        return stages.stream()
                .filter(s -> s.name().map(n -> n.equalsIgnoreCase(name)).orElse(false))
                .findFirst();
    }

    /** Chooses, orders and bases the stages the build needs (see {@link BuildPlan}). */
    public BuildPlan resolve(BuildOptions options) {
        return new StageResolver(this, options).resolve();
    }

    /** Everything {@code strata check} reports: static warnings plus those that need the build args. */
    public List<Warning> check(BuildOptions options) {
        return resolve(options).warnings();
    }
}
