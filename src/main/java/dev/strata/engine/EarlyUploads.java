package dev.strata.engine;

import dev.strata.cache.CacheSpec;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Reference;
import dev.strata.progress.Transfer;
import dev.strata.progress.TransferMeter;
import dev.strata.registry.RegistryClient;
import dev.strata.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Uploads each layer a step writes as soon as it is stored, while later steps run: into one
 * repository per registry the build sends layers to (its first registry {@code --cache-to}, else its
 * first pushed tag). The cache export and the push find it there through the registry client's blob
 * ledger (same repository: nothing left to do; another one: a mount), so a cold build + push ends
 * soon after its last step. Only blobs go early: every manifest is still written by its sink after
 * all of its blobs, and a failed early upload is only a lost head start, since the sink sends that
 * blob again and reports its error.
 */
final class EarlyUploads {
    /** Uploads at once: two keep a link busy without starving the steps of CPU on a small runner. */
    private static final int THREADS = 2;

    private final RegistryClient client;
    private final Store store;
    private final List<Target> targets;
    private final Optional<Set<Integer>> stages;
    private final TransferMeter meter;
    private final ExecutorService pool;

    /** A repository sent to early, and what its bytes count as in the progress totals. */
    private record Target(Reference repository, Transfer transfer) {}

    private EarlyUploads(
            RegistryClient client,
            Store store,
            List<Target> targets,
            Optional<Set<Integer>> stages,
            TransferMeter meter) {
        this.client = client;
        this.store = store;
        this.targets = targets;
        this.stages = stages;
        this.meter = meter;
        this.pool = targets.isEmpty()
                ? null
                : Executors.newFixedThreadPool(THREADS, r -> {
                    Thread t = new Thread(r, "strata-early-upload");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Sends nothing early (a build that neither pushes nor exports to a registry). */
    static EarlyUploads none() {
        return new EarlyUploads(null, null, List.of(), Optional.empty(), TransferMeter.none());
    }

    /**
     * For {@code request}: nothing unless it pushes or exports a registry cache. A mode=max registry
     * cache takes every stage's layers; otherwise only the stages the image holds are sent.
     */
    static EarlyUploads of(BuildRequest request, Store store, StageGraph graph, TransferMeter meter) {
        List<Target> wanted = new ArrayList<>();
        boolean everyStage = false;
        for (CacheSpec spec : request.cache().to()) {
            if (spec.type() == CacheSpec.Type.REGISTRY) {
                wanted.add(new Target(spec.reference(), Transfer.EXPORT));
                everyStage |= spec.mode() == CacheSpec.Mode.MAX;
            }
        }
        if (request.push()) {
            request.tags().forEach(t -> wanted.add(new Target(Reference.parse(t), Transfer.PUSH)));
        }
        Map<String, Target> perRegistry = new LinkedHashMap<>();
        wanted.forEach(t -> perRegistry.putIfAbsent(t.repository().registry(), t));
        Optional<Set<Integer>> stages = everyStage ? Optional.empty() : Optional.of(CacheExports.imageStages(graph));
        return new EarlyUploads(request.registry().client(), store, List.copyOf(perRegistry.values()), stages, meter);
    }

    /** A step of {@code stage} stored {@code layer}: start sending it unless it is already in a registry. */
    void written(int stage, Layer layer) {
        if (pool == null
                || !(layer.origin() instanceof LayerOrigin.Local)
                || stages.map(s -> !s.contains(stage)).orElse(false)
                || !store.hasBlob(layer.descriptor().digest())) {
            return;
        }
        for (Target target : targets) {
            pool.execute(() -> {
                Descriptor desc = layer.descriptor();
                // counted as the push or export it stands in for: those then find the blob sent
                TransferMeter.Counter counter =
                        meter.start(target.transfer(), desc.digest().toString(), desc.size());
                try {
                    client.pushBlob(
                            target.repository(),
                            desc,
                            d -> Metered.stream(store.openBlob(d.digest()), counter),
                            List.of());
                } catch (RuntimeException e) {
                    // only a head start lost: the export or the push sends it again and reports the error
                } finally {
                    counter.end();
                }
            });
        }
    }

    /** After the last step: waits for the uploads under way (the push and export need them anyway). */
    void finish() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            pool.awaitTermination(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On failure or interrupt: stops what is under way; a registry discards an unfinished upload. */
    void abandon() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
