package dev.strata.engine;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.dockerfile.BaseStage;
import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.Reference;
import dev.strata.registry.RepositorySink;
import dev.strata.store.LayoutSink;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;

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

    /** Writes every {@code --cache-to} of the session's request. */
    void write(BuildSession s, StageGraph graph, Descriptor imageManifest) {
        Set<Integer> image = imageStages(graph);
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(entries);
        }
        for (CacheSpec spec : s.request.cache().to()) {
            List<Entry> chosen = all.stream()
                    .filter(e -> spec.mode() == CacheSpec.Mode.MAX || image.contains(e.stage()))
                    .toList();
            boolean inline = spec.type() == CacheSpec.Type.INLINE;
            Map<Digest, Layer> layers = new HashMap<>();
            chosen.forEach(e ->
                    e.layer().ifPresent(l -> layers.putIfAbsent(l.descriptor().digest(), l)));
            // every layer a chosen step ran on or made: the next runner's COPY may need to read it
            Map<Digest, Layer> used = new TreeMap<>();
            chosen.forEach(e -> {
                e.parent().forEach(l -> used.putIfAbsent(l.diffId(), l));
                e.layer().ifPresent(l -> used.putIfAbsent(l.diffId(), l));
            });
            Map<Digest, Layer> skeletonBlobs = new HashMap<>();
            Map<Digest, Descriptor> skeletons = new TreeMap<>();
            used.keySet()
                    .forEach(diffId -> CacheSkeletons.find(s, diffId).ifPresent(sk -> {
                        skeletons.put(diffId, sk.descriptor());
                        skeletonBlobs.putIfAbsent(sk.descriptor().digest(), sk);
                    }));
            CacheManifest cache = CacheManifest.of(
                    chosen.stream().map(Entry::record).toList(),
                    skeletons,
                    inline ? Optional.of(imageManifest) : Optional.empty());
            Artifact artifact = cache.artifact(d -> {
                Layer l = layers.containsKey(d.digest()) ? layers.get(d.digest()) : skeletonBlobs.get(d.digest());
                if (l == null) {
                    throw new IllegalStateException("no step of this build made layer " + d.digest());
                }
                return l;
            });
            List<Layer> mountable = Stream.concat(layers.values().stream(), skeletonBlobs.values().stream())
                    .toList();
            boolean sent = write(s, spec, sink(s, spec, imageManifest, mountable), artifact);
            s.events()
                    .notice("exported cache " + (inline ? "with " : "to ") + spec.location() + " ("
                            + cache.records().size() + " records, "
                            + cache.layers().size() + " layers)"
                            + (sent ? "" : ", unchanged") + ": "
                            + cache.descriptor().digest());
        }
    }

    /** Where {@code spec} goes: a registry tag, a referrer of the pushed image (inline), or a directory. */
    private static ImageSink sink(BuildSession s, CacheSpec spec, Descriptor imageManifest, List<Layer> layers) {
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

    private static boolean write(BuildSession s, CacheSpec spec, ImageSink sink, Artifact artifact) {
        try {
            return sink.write(artifact);
        } catch (UncheckedIOException e) {
            throw StrataException.environment(
                    "cannot write the cache to " + spec.location() + ": "
                            + e.getCause().getMessage(),
                    e);
        }
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
