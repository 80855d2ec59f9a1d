package dev.strata.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.cache.CacheKey;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheSource;
import dev.strata.cache.ImportedCache;
import dev.strata.cache.MissExplanation;
import dev.strata.cache.ParentState;
import dev.strata.cache.ParentSummary;
import dev.strata.cache.StepInputs;
import dev.strata.cache.Ttl;
import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.BaseDirectory;
import dev.strata.dockerfile.BaseImage;
import dev.strata.dockerfile.BaseStage;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.InstructionText;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.RunInstruction;
import dev.strata.dockerfile.StageScope;
import dev.strata.dockerfile.WorkdirInstruction;
import dev.strata.error.StrataException;
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Digest;
import dev.strata.oci.History;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.OciJson;
import dev.strata.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Builds one stage, step by step: config instructions change the config; every filesystem step
 * (RUN, COPY, ADD, WORKDIR) gets a cache key from its parent's layers and config, its expanded
 * instruction and its inputs, and is reused from the cache or run, and its record added either way.
 */
final class StageRunner {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private final BuildSession session;
    private final StageNode node;
    private final IntFunction<StageResult> stages;
    /** The id of the latest step of this stage that ran instead of hitting, if the chain is broken. */
    private Optional<Integer> lastMiss = Optional.empty();

    private final IntFunction<Optional<Integer>> baseMisses;
    private final ContextFiles files;
    private final FromSources sources;
    private final RunServices runServices;

    /** baseMisses: the {@link #lastMiss()} of an already built stage, by index. */
    StageRunner(
            BuildSession session,
            StageNode node,
            IntFunction<StageResult> stages,
            IntFunction<Optional<Integer>> baseMisses) {
        this.session = session;
        this.node = node;
        this.stages = stages;
        this.baseMisses = baseMisses;
        this.files = new ContextFiles(session.context, session.hasher);
        this.sources = new FromSources(
                session.plan().dockerfile(),
                stages,
                session.baseImages,
                session.plan().options(),
                session::namedContext);
        this.runServices = new RunServices(
                session::executor,
                session.scratch,
                session.cacheMountRoot(),
                session.request.secrets(),
                session.request.sshAgents(),
                session.request.network(),
                session.request.container(),
                session.events(),
                session.cacheMounts);
    }

    /** After {@link #run()}: the id of the step whose re-run the stage's result depends on, if any. */
    Optional<Integer> lastMiss() {
        return lastMiss;
    }

    StageResult run() {
        ResolvedStage rs = node.stage();
        Platform platform = Platform.parse(rs.platform());
        ImageConfig config;
        List<Layer> layers = new ArrayList<>();
        Map<String, String> baseEnv;
        int total =
                1 + (int) node.steps().stream().filter(PlannedStep::filesystem).count();
        if (rs.base() instanceof BaseStage bs) {
            StageResult parent = stages.apply(bs.index());
            lastMiss = baseMisses.apply(bs.index());
            config = parent.config();
            layers.addAll(parent.layers());
            baseEnv = parent.env();
        } else if (rs.base() instanceof BaseImage bi) {
            int id = session.nextStepId();
            String text = "FROM " + bi.reference();
            session.events().started(id, node.displayName(), 1, total, text);
            Image img = session.baseImages.resolve(
                    bi.reference(),
                    platform,
                    rs.stage().from().node().position().toString());
            session.events().cached(id, "local store");
            config = ImageConfig.parse(img.configBytes());
            config = config.withConfig(ConfigEditor.withDefaultPath(config.config(), DEFAULT_PATH));
            layers.addAll(img.layers());
            baseEnv = ConfigEditor.envMap(config.config());
        } else {
            // BuildKit's empty image carries the default PATH, so FROM scratch images have it too
            ImageConfig empty = ImageConfig.scratch(platform);
            config = empty.withConfig(ConfigEditor.withDefaultPath(empty.config(), DEFAULT_PATH));
            baseEnv = ConfigEditor.envMap(config.config());
        }
        List<Instruction> instructions = new ArrayList<>();
        List<String> triggers = config.config().onBuild();
        if (!triggers.isEmpty()) {
            instructions.addAll(Dockerfile.parseTriggers(
                    triggers, "base image ONBUILD", session.plan().dockerfile().escape()));
            ConfigEditor e = new ConfigEditor(config.config());
            e.onBuild.clear();
            config = config.withConfig(e.build());
            total += (int) instructions.stream()
                    .filter(i -> Planner.classify(i).filesystem())
                    .count();
        }
        if (rs.base() instanceof BaseDirectory d) {
            // the directory's files become the stage's first layer through the COPY --from=NAME path,
            // so they are read like the context (its .dockerignore) and keyed by their content
            instructions.addAll(Dockerfile.parseTriggers(
                    List.of("COPY --from=" + d.name() + " / /"),
                    "FROM " + d.name(),
                    session.plan().dockerfile().escape()));
            total++;
        }
        instructions.addAll(rs.stage().instructions());
        StageScope scope = session.plan().scope(rs, baseEnv);
        StageFlags flags = new StageFlags();
        int index = 1;
        for (Instruction ins : instructions) {
            ExpandedStep step = scope.expand(ins);
            PlannedStep planned = Planner.classify(step.expanded());
            if (!planned.filesystem()) {
                ConfigStep cs = new ConfigStep(step, flags, scope.shell());
                config = cs.configAfter(config);
                Optional<String> createdBy = cs.history(config);
                if (createdBy.isPresent()) {
                    config = config.withHistory(history(createdBy.get(), true));
                }
            } else {
                index++;
                StepOutcome out = filesystemStep(step, config, layers, scope, index, total);
                if (out.layer().isPresent()) {
                    layers.add(out.layer().get());
                    config = out.config().withLayer(out.layer().get().diffId(), history(out.createdBy(), false));
                } else {
                    config = out.config().withHistory(history(out.createdBy(), true));
                }
            }
            scope = step.next();
        }
        return new StageResult(config, layers, scope.env());
    }

    private History history(String createdBy, boolean empty) {
        return new History(
                Optional.of(session.created()), createdBy, Optional.empty(), Optional.of(CreatedBy.COMMENT), empty);
    }

    /** The step for {@code ctx}'s instruction, given only the services its kind uses. */
    private FilesystemStep wire(StepContext ctx) {
        Instruction ins = ctx.step().expanded();
        if (ins instanceof RunInstruction r) {
            return new RunStep(ctx, r, session, files, sources, runServices);
        }
        if (ins instanceof CopyInstruction || ins instanceof AddInstruction) {
            return new CopyStep(ctx, session, files, sources);
        }
        if (ins instanceof WorkdirInstruction w) {
            return new WorkdirStep(ctx, w, session);
        }
        throw new IllegalStateException("not a filesystem step: " + ins.keyword());
    }

    private StepOutcome filesystemStep(
            ExpandedStep step, ImageConfig config, List<Layer> layers, StageScope scope, int index, int total) {
        int id = session.nextStepId();
        String text = InstructionText.render(step.expanded());
        Instant start = Instant.now();
        session.events().started(id, node.displayName(), index, total, text);
        StepContext ctx = new StepContext(step, config, layers, scope, id);
        try {
            FilesystemStep fs = wire(ctx);
            ParentSummary seen = parentSummary(config, layers);
            ImageConfig after = fs.configAfter(config);
            boolean filtered = node.stage()
                    .stage()
                    .name()
                    .filter(n -> session.request.noCacheFilter().contains(n))
                    .isPresent();
            boolean lookUp = !session.request.noCache() && !filtered;
            if (step.expanded() instanceof RunInstruction r) {
                RunStep.cacheMountIds(r).forEach(session.cacheMounts::used);
            }
            Optional<Ttl> ttl = ttl(step);
            List<String> expired = new ArrayList<>();
            Optional<StepInputs> alias = fs.aliasInputs().map(a -> inputs(config, layers, text, a));
            Optional<Hit> aliasHit =
                    lookUp && alias.isPresent() ? lookup(alias.get().key(), ttl, expired) : Optional.empty();
            // an alias hit keeps the record's own key and inputs: they name the copied content
            StepInputs key = aliasHit.isPresent()
                    ? aliasHit.get().record().inputs()
                    : inputs(config, layers, text, fs.keyInputs());
            Optional<Hit> hit = aliasHit.isPresent() || !lookUp ? aliasHit : lookup(key.key(), ttl, expired);
            List<CacheKey> aliases = alias.map(a -> List.of(a.key())).orElse(List.of());
            if (hit.isPresent()) {
                Hit h = hit.get();
                CacheRecord r = h.record();
                Optional<Layer> layer = r.layer()
                        .map(d -> session.cacheLayers.of(h.from(), d, r.diffId().orElseThrow()));
                // every sink gets every step, hits included: an exported cache never forgets reused steps;
                // the hit keeps the record's time, so an all-hit rebuild exports the very same cache
                record(
                        new CacheRecord(
                                        key.key(),
                                        key,
                                        r.layer(),
                                        r.diffId(),
                                        r.created(),
                                        Optional.of(seen),
                                        r.aliases(),
                                        Optional.empty(),
                                        Optional.of(node.displayName()),
                                        r.built())
                                .withAliases(aliases),
                        layer,
                        layers);
                session.events().cached(id, hit.get().source());
                session.report(new StepReport(
                        id,
                        node.displayName(),
                        text,
                        true,
                        Duration.between(start, Instant.now()),
                        Optional.empty(),
                        r.layer().map(d -> d.digest().toString()),
                        Optional.of(hit.get().source())));
                lastMiss = Optional.empty();
                return new StepOutcome(after, layer, fs.history(after).orElseThrow());
            }
            MissExplanation why = session.request.noCache()
                    ? MissExplanation.notLookedUp(key, "--no-cache")
                    : filtered
                            ? MissExplanation.notLookedUp(key, "--no-cache-filter " + node.displayName())
                            : !expired.isEmpty()
                                    ? MissExplanation.notLookedUp(key, expired.get(0))
                                    : explain(key, seen);
            Instant ranAt = session.request.cache().clock().instant();
            Optional<Layer> layer = fs.run();
            CacheRecord made = new CacheRecord(
                    key.key(),
                    key,
                    layer.map(Layer::descriptor),
                    layer.map(Layer::diffId),
                    session.createdInstant(),
                    Optional.of(seen),
                    aliases,
                    Optional.empty(),
                    Optional.of(node.displayName()));
            // only a step with a ttl carries its build time: other records stay the same bytes on every runner
            record(ttl.isPresent() ? made.builtAt(ranAt) : made, layer, layers);
            Duration took = Duration.between(start, Instant.now());
            session.events().done(id, took, Optional.of(why.reason()));
            session.report(new StepReport(
                    id,
                    node.displayName(),
                    text,
                    false,
                    took,
                    Optional.of(why.reason()),
                    layer.map(l -> l.descriptor().digest().toString()),
                    Optional.empty()));
            lastMiss = Optional.of(id);
            return new StepOutcome(after, layer, fs.history(after).orElseThrow());
        } catch (StrataException e) {
            session.events().failed(id, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            session.events().failed(id, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    /** The step's inputs: its parent's state, its text, the platform and {@code own}. */
    private static StepInputs inputs(ImageConfig config, List<Layer> layers, String text, Map<String, String> own) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("platform", config.platform().toString());
        m.putAll(own);
        return new StepInputs(parentState(config, layers), text, new TreeMap<>(m));
    }

    /** A record found for a key, and the name of the source it came from. */
    private record Hit(CacheRecord record, CacheSource from) {
        String source() {
            return from.name();
        }
    }

    /**
     * The first source (in order: local, then the others) holding the key in a record young enough for
     * {@code ttl}; why each older record found did not count goes to {@code expired}.
     */
    private Optional<Hit> lookup(CacheKey key, Optional<Ttl> ttl, List<String> expired) {
        Instant now = session.request.cache().clock().instant();
        for (CacheSource src : session.cacheSources) {
            Optional<CacheRecord> r = src.lookup(key);
            if (r.isPresent()) {
                Optional<String> old = ttl.flatMap(t -> t.expired(r.get(), now));
                if (old.isPresent()) {
                    expired.add(old.get());
                } else if (proven(src, r.get())) {
                    return Optional.of(new Hit(r.get(), src));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The step's expiry: its own {@code # strata:ttl=} comment, else for a RUN the build's
     * {@code --cache-ttl} for this stage or for all.
     */
    private Optional<Ttl> ttl(ExpandedStep step) {
        Optional<Ttl> own = step.original().node().ttl().map(t -> new Ttl(t.duration(), t.text()));
        if (own.isPresent() || !(step.expanded() instanceof RunInstruction)) {
            return own;
        }
        return session.request.cache().ttls().forRun(node.displayName());
    }

    /**
     * For a cache read with {@code verify=full}: the record's layer is fetched now and must unpack to the
     * diffID the record names, or the record is a miss (with a warning naming the cache), never a hit.
     */
    private boolean proven(CacheSource src, CacheRecord r) {
        if (!(src instanceof ImportedCache c)
                || !c.spec().verifyHits()
                || r.layer().isEmpty()) {
            return true;
        }
        try {
            // claimed even when the store has the bytes already: the claim is what is checked here
            session.fetcher.fetch(
                    session.fetcher.claimed(r.layer().get(), r.diffId().orElseThrow(), c.origin()));
            return true;
        } catch (StrataException e) {
            session.events()
                    .notice("warning: cache " + src.name() + ": record "
                            + r.key().digest().shortHex() + " refused (" + e.getMessage() + "); the step runs instead");
            return false;
        }
    }

    private void record(CacheRecord r, Optional<Layer> layer, List<Layer> parent) {
        session.localCache.add(r);
        session.cacheExports.add(node.index(), r, layer, parent);
        layer.ifPresent(l -> session.earlyUploads().written(node.index(), l));
    }

    /**
     * Why {@code key} missed: compared with the nearest record of the same parent state and kind; with
     * none, an earlier miss in this stage explains it (its result is a new parent state).
     */
    private MissExplanation explain(StepInputs key, ParentSummary seen) {
        List<CacheRecord> candidates = new ArrayList<>();
        for (CacheSource src : session.cacheSources) {
            candidates.addAll(src.candidates(key.parentState(), key.kind()));
        }
        if (candidates.isEmpty() && lastMiss.isPresent()) {
            return MissExplanation.parentMissed(key, lastMiss.get());
        }
        String names = String.join(
                ", ", session.cacheSources.stream().map(CacheSource::name).toList());
        if (candidates.isEmpty()) {
            // a new parent without a missed step before: an ENV, USER, WORKDIR or base image changed
            List<CacheRecord> same = new ArrayList<>();
            session.cacheSources.forEach(src -> same.addAll(src.sameInstruction(key.instruction())));
            return MissExplanation.parentChanged(key, seen, same, names);
        }
        return MissExplanation.explain(key, candidates, names);
    }

    /** What a step sees of its parent, field by field (the parts {@link #parentState} digests). */
    static ParentSummary parentSummary(ImageConfig config, List<Layer> layers) {
        ContainerConfig c = config.config();
        return ParentSummary.of(
                layers.stream().map(Layer::diffId).toList(), c.env(), c.workingDir(), c.user(), c.shell());
    }

    /**
     * Names the parent's result: its layers (diffIDs) and the config fields a step can observe (env,
     * workdir, user, shell), never timestamps, history or fields only a container sees (labels, cmd),
     * so a re-run yielding the same content lets later steps hit (early cutoff).
     */
    static String parentState(ImageConfig config, List<Layer> layers) {
        ContainerConfig c = config.config();
        ObjectNode o = OciJson.object();
        ArrayNode env = o.putArray("Env");
        c.env().forEach(env::add);
        o.put("WorkingDir", c.workingDir());
        o.put("User", c.user());
        ArrayNode shell = o.putArray("Shell");
        c.shell().forEach(shell::add);
        return ParentState.of(layers.stream().map(Layer::diffId).toList(), OciJson.bytes(o));
    }

    /** sha256 of a value, so secrets-like build args never sit in a record in clear. */
    static String hashed(String value) {
        return Digest.sha256(value.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
