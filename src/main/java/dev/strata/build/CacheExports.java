package dev.strata.build;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.RegistryCache;
import dev.strata.dockerfile.BaseStage;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LazyLayer;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --cache-to}: every step's record, hits included, with the stage it belongs to and its layer,
 * written once the image is stored. mode=min keeps the steps whose layers are in the exported image
 * (the target stage and the stages it is built FROM); mode=max keeps every stage's.
 */
final class CacheExports {
    private record Entry(int stage, CacheRecord record, Optional<Layer> layer) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int stage, CacheRecord record, Optional<Layer> layer) {
        entries.add(new Entry(stage, record, layer));
    }

    /** Writes every {@code --cache-to} of the session's request. */
    void write(BuildSession s, StepGraph graph, Descriptor imageManifest) {
        Set<Integer> image = imageStages(graph);
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(entries);
        }
        for (CacheSpec spec : s.request.cache().to()) {
            List<Entry> chosen = all.stream().filter(e -> spec.mode() == CacheSpec.Mode.MAX || image.contains(e.stage()))
                    .toList();
            boolean inline = spec.type() == CacheSpec.Type.INLINE;
            CacheManifest cache = CacheManifest.of(chosen.stream().map(Entry::record).toList(),
                    inline ? Optional.of(imageManifest) : Optional.empty());
            Map<Digest, Layer> layers = new HashMap<>();
            chosen.forEach(e -> e.layer().ifPresent(l -> layers.putIfAbsent(l.descriptor().digest(), l)));
            BlobSource bytes = d -> {
                Layer l = layers.get(d.digest());
                if (l == null) {
                    throw new IOException("no step of this build made layer " + d.digest());
                }
                return l.open();
            };
            String what = cache.records().size() + " records, " + cache.layers().size() + " layers";
            if (inline) {
                boolean sent = RegistryCache.writeInline(s.request.registry().client(), spec.reference(), imageManifest, cache,
                        bytes, mountCandidates(s, layers.values()));
                s.events().notice("exported cache with " + spec.location() + " (" + what + ")"
                        + (sent ? "" : ", unchanged") + ": " + cache.descriptor().digest());
            } else if (spec.type() == CacheSpec.Type.REGISTRY) {
                boolean sent = RegistryCache.write(s.request.registry().client(), spec.reference(), cache, bytes,
                        mountCandidates(s, layers.values()));
                s.events().notice("exported cache to " + spec.location() + " (" + what + ")"
                        + (sent ? "" : ", unchanged") + ": " + cache.descriptor().digest());
            } else {
                DirCache.write(spec.directory(), cache, bytes);
                s.events().notice("exported cache to " + spec.location() + " (" + what + "): " + cache.descriptor().digest());
            }
        }
    }

    /** The target stage and the stages it is built FROM: the ones whose layers the image holds. */
    static Set<Integer> imageStages(StepGraph graph) {
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
    private static List<Reference> mountCandidates(BuildSession s, java.util.Collection<Layer> layers) {
        Set<Reference> out = new LinkedHashSet<>();
        for (Layer l : layers) {
            if (RegistryBlobs.isRemote(l)) {
                out.addAll(((RegistryBlobs) ((LazyLayer) l).source()).repositories());
            }
        }
        s.request.cache().from().stream().filter(c -> c.type() == CacheSpec.Type.REGISTRY)
                .forEach(c -> out.add(c.reference()));
        return List.copyOf(out);
    }
}
