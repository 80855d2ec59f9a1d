package dev.strata.build;

import dev.strata.dockerfile.BaseImage;
import dev.strata.dockerfile.BaseStage;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.InstructionText;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.StageScope;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import dev.strata.oci.History;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    StageRunner(BuildSession session, StageNode node, IntFunction<StageResult> stages) {
        this.session = session;
        this.node = node;
        this.stages = stages;
    }

    StageResult run() {
        ResolvedStage rs = node.stage();
        Platform platform = Platform.parse(rs.platform());
        ImageConfig config;
        List<Layer> layers = new ArrayList<>();
        Map<String, String> baseEnv;
        int total = 1 + (int) node.steps().stream().filter(PlannedStep::filesystem).count();
        if (rs.base() instanceof BaseStage bs) {
            StageResult parent = stages.apply(bs.index());
            config = parent.config();
            layers.addAll(parent.layers());
            baseEnv = parent.env();
        } else if (rs.base() instanceof BaseImage bi) {
            int id = session.nextStepId();
            String text = "FROM " + bi.reference();
            session.events().started(id, node.displayName(), 1, total, text);
            Image img = session.baseImages.resolve(bi.reference(), platform, rs.stage().from().node().position().toString());
            session.events().cached(id, "local store");
            config = ImageConfig.parse(img.configBytes());
            layers.addAll(img.layers());
            baseEnv = ConfigEditor.envMap(config.config());
        } else {
            // BuildKit's empty image carries the default PATH, so FROM scratch images have it too
            ConfigEditor e = new ConfigEditor(ImageConfig.scratch(platform).config());
            e.env.add("PATH=" + DEFAULT_PATH);
            config = ImageConfig.scratch(platform).withConfig(e.build());
            baseEnv = ConfigEditor.envMap(config.config());
        }
        List<Instruction> instructions = new ArrayList<>();
        List<String> triggers = config.config().onBuild();
        if (!triggers.isEmpty()) {
            instructions.addAll(Dockerfile.parseTriggers(triggers, "base image ONBUILD",
                    session.plan().dockerfile().escape()));
            ConfigEditor e = new ConfigEditor(config.config());
            e.onBuild.clear();
            config = config.withConfig(e.build());
            total += (int) instructions.stream().filter(i -> Planner.classify(i).filesystem()).count();
        }
        instructions.addAll(rs.stage().instructions());
        StageScope scope = session.plan().scope(rs, baseEnv);
        StageFlags flags = new StageFlags();
        int index = 1;
        for (Instruction ins : instructions) {
            ExpandedStep step = scope.expand(ins);
            PlannedStep planned = Planner.classify(step.expanded());
            if (!planned.filesystem()) {
                ConfigEditor e = new ConfigEditor(config.config());
                Optional<String> author = ConfigSteps.apply(step.expanded(), e, flags, scope.shell());
                config = config.withConfig(e.build());
                if (author.isPresent()) {
                    config = new ImageConfig(config.created(), author, config.platform(), config.config(),
                            config.diffIds(), config.history());
                }
                config = config.withHistory(history(CreatedBy.of(step, false), true));
            } else {
                index++;
                StepOutcome out = filesystemStep(step, planned, config, layers, scope, index, total);
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
        return new History(Optional.of(session.created()), createdBy, Optional.empty(),
                Optional.of(CreatedBy.COMMENT), empty);
    }

    private StepOutcome filesystemStep(ExpandedStep step, PlannedStep planned, ImageConfig config, List<Layer> layers,
            StageScope scope, int index, int total) {
        int id = session.nextStepId();
        String text = InstructionText.render(step.expanded());
        Instant start = Instant.now();
        session.events().started(id, node.displayName(), index, total, text);
        StepContext ctx = new StepContext(session, step, config, List.copyOf(layers), scope, stages, id);
        try {
            SortedInputs inputs = StepExecutors.inputs(planned.kind(), ctx);
            String parentState = parentState(config, layers);
            StepCache.Inputs key = new StepCache.Inputs(parentState, text, inputs.map());
            Digest ck = key.key();
            ImageConfig after = StepExecutors.configAfter(planned.kind(), ctx);
            if (!session.request.noCache()) {
                Optional<StepCache.Record> hit = session.cache.lookup(ck)
                        .filter(r -> r.layer().map(d -> session.store.hasBlob(d.digest())).orElse(true));
                if (hit.isPresent()) {
                    StepCache.Record r = hit.get();
                    Optional<Layer> layer = r.layer().map(d -> session.store.blobSource().layer(d, r.diffId().orElseThrow()));
                    session.cache.add(new StepCache.Record(ck, key, r.layer(), r.diffId(), r.created()));
                    session.events().cached(id, session.cache.name());
                    session.report(new StepReport(id, node.displayName(), text, true, Duration.between(start, Instant.now()),
                            Optional.empty(), r.layer().map(d -> d.digest().toString())));
                    return new StepOutcome(after, layer, StepExecutors.createdBy(planned.kind(), ctx, layer.isPresent()));
                }
            }
            String reason = session.request.noCache() ? "--no-cache" : explain(key, planned.kind());
            Optional<Layer> layer = StepExecutors.execute(planned.kind(), ctx);
            session.cache.add(new StepCache.Record(ck, key, layer.map(Layer::descriptor), layer.map(Layer::diffId),
                    session.createdInstant()));
            Duration took = Duration.between(start, Instant.now());
            session.events().done(id, took, Optional.of(reason));
            session.report(new StepReport(id, node.displayName(), text, false, took, Optional.of(reason),
                    layer.map(l -> l.descriptor().digest().toString())));
            return new StepOutcome(after, layer, StepExecutors.createdBy(planned.kind(), ctx, layer.isPresent()));
        } catch (StrataException e) {
            session.events().failed(id, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            session.events().failed(id, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    private String explain(StepCache.Inputs key, PlannedStep.Kind kind) {
        return session.cache.explain(key, kind.name());
    }

    /**
     * Names the parent's result: its layers (diffIDs) and the config a step can observe (env, user,
     * workdir, shell, ...), never timestamps or history.
     */
    static String parentState(ImageConfig config, List<Layer> layers) {
        ImageConfig observable = new ImageConfig(Optional.empty(), Optional.empty(), config.platform(), config.config(),
                config.diffIds(), List.of());
        return Digest.sha256(observable.toBytes()).toString();
    }

    /** The inputs of a step besides its parent, sorted by name. */
    record SortedInputs(TreeMap<String, String> map) {
        static SortedInputs of(Map<String, String> m) {
            return new SortedInputs(new TreeMap<>(m));
        }
    }

    /** sha256 of a value, so secrets-like build args never sit in a record in clear. */
    static String hashed(String value) {
        return Digest.sha256(value.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
