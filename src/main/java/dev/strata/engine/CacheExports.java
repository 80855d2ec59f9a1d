package dev.strata.engine;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheReport;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.MountBlob;
import dev.strata.dockerfile.BaseStage;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.Reference;
import dev.strata.progress.Transfer;
import dev.strata.registry.RepositorySink;
import dev.strata.store.LayoutSink;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code --cache-to}: every step's record, hits included, with the stage it belongs to and its layer,
 * written once the image is stored. mode=min keeps the steps whose layers are in the exported image
 * (the target stage and the stages it is built FROM); mode=max keeps every stage's.
 */
final class CacheExports {
    /** One step: its record, its layer, and the layers it ran on (whose skeletons the cache carries). */
    private record Entry(int stage, CacheRecord record, Optional<Layer> layer, List<Layer> parent) {}

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int stage, CacheRecord record, Optional<Layer> layer, List<Layer> parent) {
        entries.add(new Entry(stage, record, layer, List.copyOf(parent)));
    }

    /** Writes every {@code --cache-to} of the session's request; what each wrote, in order. */
    List<CacheReport.Export> write(BuildSession s, StageGraph graph, Descriptor imageManifest) {
        Set<Integer> image = imageStages(graph);
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(entries);
        }
        List<CacheReport.Export> out = new ArrayList<>();
        for (CacheSpec spec : s.request.cache().to()) {
            List<Entry> chosen = all.stream()
                    .filter(e -> spec.mode() == CacheSpec.Mode.MAX || image.contains(e.stage()))
                    .toList();
            boolean inline = spec.type() == CacheSpec.Type.INLINE;
            Map<Digest, Layer> blobs = new HashMap<>();
            chosen.forEach(e ->
                    e.layer().ifPresent(l -> blobs.putIfAbsent(l.descriptor().digest(), l)));
            // every layer a chosen step ran on or made: the next runner's COPY may need to read it
            Map<Digest, Layer> used = new TreeMap<>();
            chosen.forEach(e -> {
                e.parent().forEach(l -> used.putIfAbsent(l.diffId(), l));
                e.layer().ifPresent(l -> used.putIfAbsent(l.diffId(), l));
            });
            Map<Digest, Descriptor> skeletons = new TreeMap<>();
            used.keySet()
                    .forEach(diffId -> CacheSkeletons.find(s, diffId).ifPresent(sk -> {
                        skeletons.put(diffId, sk.descriptor());
                        blobs.putIfAbsent(sk.descriptor().digest(), sk);
                    }));
            Map<String, MountBlob> mounts = mounts(s, spec, blobs);
            CacheExport.Mine mine = new CacheExport.Mine(
                    chosen.stream().map(Entry::record).toList(), skeletons, blobs, mounts, s.cacheMounts.usedIds());
            Optional<Descriptor> subject = inline ? Optional.of(imageManifest) : Optional.empty();
            CacheReport.Export x = new CacheExport(
                            s,
                            spec,
                            Metered.sink(
                                    sink(s, spec, imageManifest, blobs.values()),
                                    s.events().meter(),
                                    Transfer.EXPORT),
                            subject)
                    .write(mine);
            s.events()
                    .notice("exported cache " + (inline ? "with " : "to ") + spec.location() + " (" + x.summary() + ")"
                            + (x.unchanged() ? ", unchanged" : "") + ": " + x.digest());
            out.add(x);
        }
        return out;
    }

    /**
     * The cache mounts {@code spec} carries from this build: each id it names that a RUN of this build
     * ran with (a mount only hits used is unchanged, and the cache keeps what it had), packed, while
     * they fit {@code cache-mounts-max-size} together; one beyond it is left out with a warning.
     */
    private static Map<String, MountBlob> mounts(BuildSession s, CacheSpec spec, Map<Digest, Layer> blobs) {
        Map<String, MountBlob> out = new TreeMap<>();
        if (!spec.mounts().enabled()) {
            return out;
        }
        LocalDate today = LocalDate.now(s.request.cache().clock());
        long size = 0;
        for (String id : s.cacheMounts.ranIds()) {
            if (!spec.mounts().carries(id)) {
                continue;
            }
            Optional<Layer> packed = s.cacheMounts.pack(id);
            if (packed.isEmpty()) {
                continue;
            }
            Descriptor d = packed.get().descriptor();
            if (size + d.size() > spec.mounts().maxSize()) {
                s.events()
                        .notice("warning: cache mount " + id + " is " + d.size() + " bytes compressed, beyond"
                                + " cache-mounts-max-size=" + spec.mounts().maxSize() + " bytes of " + spec.location()
                                + " (with the mounts before it); not exported: raise cache-mounts-max-size= or"
                                + " name fewer mounts in cache-mounts=");
                continue;
            }
            size += d.size();
            out.put(id, new MountBlob(d, today));
            blobs.putIfAbsent(d.digest(), packed.get());
        }
        return out;
    }

    /** Where {@code spec} goes: a registry tag, a referrer of the pushed image (inline), or a directory. */
    private static ImageSink sink(BuildSession s, CacheSpec spec, Descriptor imageManifest, Collection<Layer> layers) {
        return switch (spec.type()) {
            case REGISTRY ->
                RepositorySink.tagged(s.request.registry().client(), spec.reference(), mountCandidates(s, layers));
            case INLINE ->
                RepositorySink.referrer(
                        s.request.registry().client(),
                        spec.reference(),
                        new RepositorySink.Referrer(imageManifest.digest(), CacheManifest.CONFIG_MEDIA_TYPE),
                        mountCandidates(s, layers));
            case LOCAL -> new LayoutSink(spec.directory(), DirCache.TAG);
        };
    }

    /** The target stage and the stages it is built FROM: the ones whose layers the image holds. */
    static Set<Integer> imageStages(StageGraph graph) {
        Set<Integer> out = new HashSet<>();
        Optional<StageNode> n = Optional.of(graph.target());
        while (n.isPresent() && out.add(n.get().index())) {
            n = n.get().stage().base() instanceof BaseStage bs ? graph.stage(bs.index()) : Optional.empty();
        }
        return out;
    }

    /**
     * Repositories that may already hold the layers: where lazy layers came from (imported caches,
     * FROM images) and every registry {@code --cache-from}; the client mounts from those on the same registry.
     */
    private static List<Reference> mountCandidates(BuildSession s, Collection<Layer> layers) {
        Set<Reference> out = new LinkedHashSet<>();
        layers.forEach(l -> out.addAll(l.origin().repositories()));
        s.request.cache().from().stream()
                .filter(c -> c.type() == CacheSpec.Type.REGISTRY)
                .forEach(c -> out.add(c.reference()));
        return List.copyOf(out);
    }
}
