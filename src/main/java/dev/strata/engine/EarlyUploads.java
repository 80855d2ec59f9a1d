package dev.strata.engine;

import dev.strata.cache.CacheSpec;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Reference;
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
    private final List<Reference> targets;
    private final Optional<Set<Integer>> stages;
    private final ExecutorService pool;

    private EarlyUploads(RegistryClient client, Store store, List<Reference> targets, Optional<Set<Integer>> stages) {
        this.client = client;
        this.store = store;
        this.targets = targets;
        this.stages = stages;
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
        return new EarlyUploads(null, null, List.of(), Optional.empty());
    }

    /**
     * For {@code request}: nothing unless it pushes or exports a registry cache. A mode=max registry
     * cache takes every stage's layers; otherwise only the stages the image holds are sent.
     */
    static EarlyUploads of(BuildRequest request, Store store, StageGraph graph) {
        List<Reference> wanted = new ArrayList<>();
        boolean everyStage = false;
        for (CacheSpec spec : request.cache().to()) {
            if (spec.type() == CacheSpec.Type.REGISTRY) {
                wanted.add(spec.reference());
                everyStage |= spec.mode() == CacheSpec.Mode.MAX;
            }
        }
        if (request.push()) {
            request.tags().forEach(t -> wanted.add(Reference.parse(t)));
        }
        Map<String, Reference> perRegistry = new LinkedHashMap<>();
        wanted.forEach(r -> perRegistry.putIfAbsent(r.registry(), r));
        Optional<Set<Integer>> stages = everyStage ? Optional.empty() : Optional.of(CacheExports.imageStages(graph));
        return new EarlyUploads(request.registry().client(), store, List.copyOf(perRegistry.values()), stages);
    }

    /** A step of {@code stage} stored {@code layer}: start sending it unless it is already in a registry. */
    void written(int stage, Layer layer) {
        if (pool == null
                || !(layer.origin() instanceof LayerOrigin.Local)
                || stages.map(s -> !s.contains(stage)).orElse(false)
                || !store.hasBlob(layer.descriptor().digest())) {
            return;
        }
        for (Reference target : targets) {
            pool.execute(() -> {
                try {
                    client.pushBlob(target, layer.descriptor(), d -> store.openBlob(d.digest()), List.of());
                } catch (RuntimeException e) {
                    // only a head start lost: the export or the push sends it again and reports the error
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
