package dev.strata.dockerfile;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Global ARGs, stage bases and the stage graph: which stages {@code --target} needs, in dependency
 * order, with unknown stage indexes and cycles reported at the line that makes them.
 */
final class StageResolver {
    private record Edge(int to, Position at) {}

    private final Dockerfile df;
    private final BuildOptions options;
    private final List<Warning> warnings = new ArrayList<>();

    StageResolver(Dockerfile df, BuildOptions options) {
        this.df = df;
        this.options = options;
    }

    BuildPlan resolve() {
        Set<String> declaredGlobal = new LinkedHashSet<>();
        Map<String, String> meta = globalArgs(declaredGlobal);
        ShellWords words = new ShellWords(df.escape());
        List<ResolvedStage> all = new ArrayList<>();
        for (Stage stage : df.stages()) {
            FromInstruction from = stage.from();
            for (String raw : from.platform().map(p -> List.of(from.image(), p)).orElse(List.of(from.image()))) {
                for (String name : words.references(raw, from.node().argsPosition())) {
                    if (!declaredGlobal.contains(name) && !meta.containsKey(name)) {
                        warnings.add(new Warning(
                                "UndefinedArgInFrom",
                                from.node().position(),
                                "FROM argument '" + name
                                        + "' is not declared (declare it with ARG before the first FROM)"));
                    }
                }
            }
            FromInstruction f = from.expand(new Expander(df.escape(), meta));
            if (f.image().isBlank()) {
                throw new DockerfileException(
                        from.node().argsPosition(),
                        "base name (" + from.image()
                                + ") should not be blank: give the ARG a value (--build-arg or a default)");
            }
            String image = f.image().toLowerCase(Locale.ROOT);
            StageBase base;
            Optional<Stage> earlier = df.stages().stream()
                    .filter(s -> s.index() < stage.index()
                            && s.name().map(image::equals).orElse(false))
                    .findFirst();
            Optional<String> named = options.imageContext(image);
            if (options.directoryContext(image).isPresent()) {
                // as in BuildKit: the directory's files over an empty config
                base = new BaseDirectory(image);
            } else if (named.isPresent()) {
                // a named context replaces a stage or image of that name, as in BuildKit
                base = new BaseImage(named.get());
            } else if (earlier.isPresent()) {
                base = new BaseStage(earlier.get().index());
            } else if (image.equals("scratch")) {
                base = new Scratch();
            } else {
                base = new BaseImage(f.image());
            }
            String platform = f.platform().filter(p -> !p.isBlank()).orElse(options.targetPlatform());
            all.add(new ResolvedStage(stage, base, platform, List.of()));
        }
        // Dependencies need the stage's ARG values (COPY --from=$X), so walk each stage once.
        BuildPlan draft = new BuildPlan(df, options, meta, all, List.of(), List.of());
        Map<Integer, List<Edge>> edges = new HashMap<>();
        Set<String> usedArgs = new LinkedHashSet<>(declaredGlobal);
        for (ResolvedStage rs : all) {
            List<Edge> out = new ArrayList<>();
            if (rs.base() instanceof BaseStage b) {
                out.add(new Edge(b.index(), rs.stage().from().node().argsPosition()));
            }
            StageScope scope = draft.partialScope(rs, Map.of());
            for (Instruction ins : rs.stage().instructions()) {
                ExpandedStep step = scope.expand(ins);
                scope = step.next();
                if (step.expanded() instanceof CopyInstruction c && c.from().isPresent()) {
                    ref(
                                    c.from().get(),
                                    rs.index(),
                                    c.node()
                                            .flag("from")
                                            .map(Flag::position)
                                            .orElse(c.node().position()))
                            .ifPresent(to -> out.add(new Edge(
                                    to, c.node().flag("from").orElseThrow().position())));
                } else if (step.expanded() instanceof RunInstruction r) {
                    for (Mount m : r.mounts()) {
                        if (m.from().isPresent()) {
                            ref(m.from().get(), rs.index(), m.position())
                                    .ifPresent(to -> out.add(new Edge(to, m.position())));
                        }
                    }
                }
            }
            usedArgs.addAll(scope.declaredArgs());
            edges.put(rs.index(), out);
        }
        int target = targetIndex();
        List<Integer> order = new ArrayList<>();
        visit(target, edges, new HashMap<>(), new ArrayList<>(), order);
        List<ResolvedStage> needed = new ArrayList<>();
        for (int i : order) {
            ResolvedStage rs = all.get(i);
            List<Integer> deps = edges.get(i).stream().map(Edge::to).distinct().toList();
            needed.add(new ResolvedStage(rs.stage(), rs.base(), rs.platform(), deps));
        }
        List<String> unused = new ArrayList<>();
        for (String k : options.buildArgs().keySet()) {
            if (!usedArgs.contains(k)
                    && !StageScope.PROXY_ARGS.contains(k)
                    && !k.startsWith("BUILDKIT_")
                    && !options.platformArgs().containsKey(k)) {
                unused.add(k);
            }
        }
        List<Warning> all2 = new ArrayList<>(df.warnings());
        all2.addAll(Linter.filter(df.directives(), warnings));
        return new BuildPlan(df, options, meta, needed, all2, unused);
    }

    /** Global ARG values: platform ARGs, then each ARG before the first FROM (build arg over default). */
    private Map<String, String> globalArgs(Set<String> declared) {
        Map<String, String> meta = new LinkedHashMap<>(options.platformArgs());
        for (ArgInstruction arg : df.globalArgs()) {
            for (ArgDecl d : arg.args()) {
                Optional<String> def = new Expander(df.escape(), meta).word(arg.node(), d.defaultValue());
                declared.add(d.name());
                String given = options.buildArgs().get(d.name());
                if (given != null) {
                    meta.put(d.name(), given);
                } else if (def.isPresent()) {
                    meta.put(d.name(), def.get());
                } else if (!options.platformArgs().containsKey(d.name())) {
                    meta.remove(d.name());
                }
            }
        }
        return meta;
    }

    private int targetIndex() {
        if (options.target().isEmpty()) {
            return df.stages().size() - 1;
        }
        String t = options.target().get();
        return df.stage(t)
                .map(Stage::index)
                .orElseThrow(() -> StrataException.input("target stage \"" + t
                        + "\" is not in " + df.file() + " (named stages: "
                        + String.join(
                                ", ",
                                df.stages().stream()
                                        .flatMap(s -> s.name().stream())
                                        .toList()) + ")"));
    }

    /** A --from value: a stage index or name gives that stage; anything else is an image. */
    private Optional<Integer> ref(String value, int current, Position at) {
        if (value.matches("[0-9]+")) {
            int idx;
            try {
                idx = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                idx = Integer.MAX_VALUE;
            }
            if (idx >= current) {
                throw new DockerfileException(
                        at,
                        "--from=" + value + " refers to "
                                + (idx == current
                                        ? "the stage it is in"
                                        : idx < df.stages().size() ? "a later stage" : "no stage")
                                + ": a stage index must name an earlier stage (0 to " + (current - 1) + ")");
            }
            return Optional.of(idx);
        }
        String name = value.toLowerCase(Locale.ROOT);
        if (options.namedContexts().containsKey(name)) {
            return Optional.empty(); // a --build-context, not a stage
        }
        Optional<Stage> s = df.stage(name);
        if (s.isPresent() && s.get().index() == current) {
            throw new DockerfileException(
                    at, "--from=" + value + " refers to the stage it is in (circular dependency)");
        }
        return s.map(Stage::index);
    }

    private void visit(
            int i,
            Map<Integer, List<Edge>> edges,
            Map<Integer, Integer> state,
            List<Integer> path,
            List<Integer> order) {
        Integer st = state.get(i);
        if (st != null && st == 2) {
            return;
        }
        state.put(i, 1);
        path.add(i);
        for (Edge e : edges.get(i)) {
            Integer s = state.get(e.to());
            if (s != null && s == 1) {
                List<String> names = new ArrayList<>();
                for (int p : path.subList(path.indexOf(e.to()), path.size())) {
                    names.add(df.stages().get(p).displayName());
                }
                names.add(df.stages().get(e.to()).displayName());
                throw new DockerfileException(
                        e.at(), "circular dependency between stages: " + String.join(" -> ", names));
            }
            visit(e.to(), edges, state, path, order);
        }
        path.remove(path.size() - 1);
        state.put(i, 2);
        order.add(i);
    }
}
