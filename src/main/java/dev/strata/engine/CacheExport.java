package dev.strata.engine;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheMerge;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.CacheReport;
import dev.strata.cache.CacheSource;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.ImportedCache;
import dev.strata.cache.MountBlob;
import dev.strata.cache.RegistryCache;
import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One {@code --cache-to}: this build's records merged with those already at the destination, read
 * again just before writing. A registry tag has no compare-and-swap, so after writing, the export
 * waits a few times as long as its own read-merge-write took, reads the tag again, and merges and
 * writes once more if a racing export replaced it without this build's records.
 */
final class CacheExport {
    /** Enough for four racing writers to converge one after another, with room for stragglers. */
    private static final int ATTEMPTS = 6;

    private static final Duration MIN_SETTLE = Duration.ofMillis(200);
    private static final Duration MAX_SETTLE = Duration.ofSeconds(5);

    /**
     * This build's side: its records, skeletons, cache mounts (by id), the blobs (layers, skeletons,
     * mounts) it can provide, and every mount id its RUN steps used (kept alive in the cache).
     */
    record Mine(
            List<CacheRecord> records,
            Map<Digest, Descriptor> skeletons,
            Map<Digest, Layer> blobs,
            Map<String, MountBlob> mounts,
            Set<String> usedMounts) {}

    private final BuildSession s;
    private final CacheSpec spec;
    private final ImageSink sink;
    private final Optional<Descriptor> subject;

    CacheExport(BuildSession s, CacheSpec spec, ImageSink sink, Optional<Descriptor> subject) {
        this.s = s;
        this.spec = spec;
        this.sink = sink;
        this.subject = subject;
    }

    CacheReport.Export write(Mine mine) {
        LocalDate today = LocalDate.now(s.request.cache().clock());
        List<ImportedCache> atStart = importedFromHere();
        // this build's blobs first: what is left for the race window is the config and the manifest
        Artifact alone = CacheManifest.of(mine.records(), mine.skeletons(), mine.mounts(), subject)
                .artifact(d -> blob(mine.blobs(), d));
        guard(() -> sink.blobs(alone, alone.blobs()));
        boolean racing = spec.type() != CacheSpec.Type.INLINE;
        // what this build imported from here answers the first read-back if the tag has not moved
        Optional<ImportedCache> current = racing ? reread(atStart.stream().findFirst()) : Optional.empty();
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            List<ImportedCache> existing = new ArrayList<>();
            current.ifPresent(existing::add);
            existing.addAll(atStart);
            CacheMerge.Result merged = CacheMerge.merge(
                    mine.records(),
                    mine.skeletons(),
                    mine.mounts(),
                    mine.usedMounts(),
                    existing.stream().map(ImportedCache::manifest).toList(),
                    today,
                    spec.retention(),
                    spec.mounts().maxSize());
            CacheManifest cache = CacheManifest.of(merged.records(), merged.skeletons(), merged.mounts(), subject);
            Map<Digest, Layer> blobs = blobsOf(mine, existing);
            Artifact artifact = cache.artifact(d -> blob(blobs, d));
            Optional<ImportedCache> there = current;
            boolean sent = guard(() -> racing ? writeUnlessCurrent(there, cache, artifact) : sink.write(artifact));
            CacheReport.Export report = new CacheReport.Export(
                    spec.location(),
                    cache.records().size(),
                    merged.fromBuild(),
                    merged.mergedIn(),
                    merged.dropped(),
                    cache.descriptor().digest(),
                    !sent);
            if (!sent || !racing) {
                return report;
            }
            settle(Duration.ofNanos(System.nanoTime() - started));
            current = reread(Optional.of(new ImportedCache(spec, cache)));
            if (holdsAll(current, mine) || attempt == ATTEMPTS) {
                if (!holdsAll(current, mine)) {
                    s.events()
                            .notice("warning: cache " + spec.location() + " is being replaced by other exports"
                                    + " faster than they merge; its next export merges this build's records again");
                }
                return report;
            }
            s.events()
                    .notice("cache " + spec.location() + " was replaced by another export at the same time;"
                            + " merging again (attempt " + (attempt + 1) + " of " + ATTEMPTS + ")");
        }
    }

    /** Caches read at the start of the build from this very destination (same ref or directory). */
    private List<ImportedCache> importedFromHere() {
        List<ImportedCache> out = new ArrayList<>();
        for (CacheSource src : s.cacheSources) {
            if (src instanceof ImportedCache c && sameDestination(c.spec())) {
                out.add(c);
            }
        }
        return out;
    }

    private boolean sameDestination(CacheSpec from) {
        return switch (spec.type()) {
            case REGISTRY, INLINE ->
                from.type() == CacheSpec.Type.REGISTRY && from.location().equals(spec.location());
            case LOCAL -> from.type() == CacheSpec.Type.LOCAL && from.location().equals(spec.location());
        };
    }

    /**
     * Writes the cache unless the destination, just read back as {@code current}, is this very cache:
     * that read answers what the sink's own check would ask again.
     */
    private boolean writeUnlessCurrent(Optional<ImportedCache> current, CacheManifest cache, Artifact artifact) {
        Digest want = cache.descriptor().digest();
        if (current.isPresent()
                && current.get().manifest().descriptor().digest().equals(want)) {
            return false;
        }
        sink.blobs(artifact, artifact.blobs());
        sink.manifest(artifact);
        return true;
    }

    /**
     * The cache now at the destination ({@code known} itself when the tag still names it, so its
     * config is not read again); one that cannot be read is replaced, with a warning.
     */
    private Optional<ImportedCache> reread(Optional<ImportedCache> known) {
        try {
            return spec.type() == CacheSpec.Type.LOCAL
                    ? DirCache.read(spec)
                    : RegistryCache.read(s.request.registry().client(), spec, known);
        } catch (StrataException e) {
            s.events()
                    .notice("warning: cache " + spec.location() + " cannot be read to merge with (" + e.getMessage()
                            + "); replacing it");
            return Optional.empty();
        }
    }

    /**
     * True when {@code c} has every record of this build and a content for every mount id it exports
     * (a racing writer's content for the same id may have won: the last writer's is as good).
     */
    private static boolean holdsAll(Optional<ImportedCache> c, Mine mine) {
        if (c.isEmpty()) {
            return false;
        }
        Set<String> keys = new HashSet<>();
        c.get().manifest().records().forEach(r -> keys.add(r.key().toString()));
        return mine.records().stream().allMatch(r -> keys.contains(r.key().toString()))
                && c.get()
                        .manifest()
                        .mounts()
                        .keySet()
                        .containsAll(mine.mounts().keySet());
    }

    /** Waits three times {@code took} (bounded, jittered), so a racing writer's replacement lands first. */
    private void settle(Duration took) {
        long ms = Math.min(MAX_SETTLE.toMillis(), Math.max(MIN_SETTLE.toMillis(), 3 * took.toMillis()));
        try {
            Thread.sleep(ms + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while exporting the cache to " + spec.location(), e);
        }
    }

    /** Every blob the merged cache may list: this build's, else the one the existing cache keeps. */
    private Map<Digest, Layer> blobsOf(Mine mine, List<ImportedCache> existing) {
        Map<Digest, Layer> out = new HashMap<>(mine.blobs());
        for (ImportedCache c : existing) {
            LayerOrigin origin = c.origin();
            for (Descriptor d : c.manifest().blobs()) {
                out.computeIfAbsent(d.digest(), k -> s.fetcher.remote(d, d.digest(), origin));
            }
        }
        return out;
    }

    private static Layer blob(Map<Digest, Layer> blobs, Descriptor d) {
        Layer l = blobs.get(d.digest());
        if (l == null) {
            throw new IllegalStateException("no step of this build or cache read holds blob " + d.digest());
        }
        return l;
    }

    private <T> T guard(Supplier<T> write) {
        try {
            return write.get();
        } catch (UncheckedIOException e) {
            throw StrataException.environment(
                    "cannot write the cache to " + spec.location() + ": "
                            + e.getCause().getMessage(),
                    e);
        }
    }

    private void guard(Runnable write) {
        guard(() -> {
            write.run();
            return null;
        });
    }
}
