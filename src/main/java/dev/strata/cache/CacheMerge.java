package dev.strata.cache;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an export writes when the destination already holds a cache: this build's records (all kept,
 * marked used today) and the records found there that this build did not make again, minus those
 * retention drops. Several branches sharing one cache ref then keep each other's steps, and a
 * reverted change finds the records of the build two jobs ago.
 */
public final class CacheMerge {
    /**
     * The merged cache's records and skeletons, and what happened to the records found there.
     *
     * @param fromBuild records of this build
     * @param mergedIn  records kept from the existing caches
     * @param dropped   records of the existing caches retention dropped (a record this build made again is not counted)
     * @param mounts    the cache mounts the merged cache carries, by id
     */
    public record Result(
            List<CacheRecord> records,
            Map<Digest, Descriptor> skeletons,
            int fromBuild,
            int mergedIn,
            int dropped,
            Map<String, MountBlob> mounts) {
        public Result {
            records = List.copyOf(records);
            skeletons = Map.copyOf(skeletons);
            mounts = Map.copyOf(mounts);
        }
    }

    private CacheMerge() {}

    /** Merges {@code existing} (in order: the first holding a key wins) into {@code build}, bounded by {@code retention}. */
    public static Result merge(
            List<CacheRecord> build,
            Map<Digest, Descriptor> buildSkeletons,
            List<CacheManifest> existing,
            LocalDate today,
            CacheRetention retention) {
        return merge(build, buildSkeletons, Map.of(), Set.of(), existing, today, retention, Long.MAX_VALUE);
    }

    /**
     * The same, with cache mounts: this build's ({@code buildMounts}, by id) replace those found for
     * the same id (the last writer's content wins, per id); the others found there stay while not
     * older than {@code max-age} and, the most recently used first, within {@code mountBudget} bytes
     * together with this build's. A found id in {@code touched} (a step of this build used it but
     * all such steps hit, so its content did not change) counts as used today.
     */
    public static Result merge(
            List<CacheRecord> build,
            Map<Digest, Descriptor> buildSkeletons,
            Map<String, MountBlob> buildMounts,
            Set<String> touched,
            List<CacheManifest> existing,
            LocalDate today,
            CacheRetention retention,
            long mountBudget) {
        Map<String, MountBlob> mounts = mounts(buildMounts, touched, existing, today, retention, mountBudget);
        Map<CacheKey, CacheRecord> mine = new LinkedHashMap<>();
        build.forEach(r -> mine.putIfAbsent(r.key(), r.usedOn(today)));
        Set<CacheKey> answered = new HashSet<>();
        mine.values().forEach(r -> {
            answered.add(r.key());
            answered.addAll(r.aliases());
        });
        Map<CacheKey, CacheRecord> older = new LinkedHashMap<>();
        for (CacheManifest c : existing) {
            for (CacheRecord r : c.records()) {
                if (!answered.contains(r.key())) {
                    // a cache written before last-used days existed: count its records as used now
                    older.putIfAbsent(r.key(), r.lastUsed().isPresent() ? r : r.usedOn(today));
                }
            }
        }
        LocalDate cutoff = today.minusDays(retention.maxAge().toDays());
        List<CacheRecord> candidates = new ArrayList<>();
        for (CacheRecord r : older.values()) {
            LocalDate used = r.lastUsed().orElse(today);
            if (!retention.maxAge().isZero() && !used.isBefore(cutoff)) {
                candidates.add(r);
            }
        }
        // the most recently used first; the key breaks ties, so every writer drops the same records
        candidates.sort(Comparator.comparing((CacheRecord r) -> r.lastUsed().orElse(today))
                .reversed()
                .thenComparing(r -> r.key().toString()));

        Map<Digest, Descriptor> existingSkeletons = new TreeMap<>();
        existing.forEach(c -> c.skeletons().forEach(existingSkeletons::putIfAbsent));
        Map<Digest, Long> blobs = new LinkedHashMap<>();
        mine.values().forEach(r -> r.layer().ifPresent(l -> blobs.put(l.digest(), l.size())));
        buildSkeletons.values().forEach(d -> blobs.put(d.digest(), d.size()));
        long size = blobs.values().stream().mapToLong(Long::longValue).sum();

        List<CacheRecord> kept = new ArrayList<>();
        for (CacheRecord r : candidates) {
            Map<Digest, Long> more = new LinkedHashMap<>();
            r.layer().filter(l -> !blobs.containsKey(l.digest())).ifPresent(l -> more.put(l.digest(), l.size()));
            r.diffId()
                    .map(existingSkeletons::get)
                    .filter(d -> !blobs.containsKey(d.digest()))
                    .ifPresent(d -> more.put(d.digest(), d.size()));
            long add = more.values().stream().mapToLong(Long::longValue).sum();
            if (size + add > retention.maxSize()) {
                break; // least recently used beyond the budget: this one and every older one go
            }
            size += add;
            blobs.putAll(more);
            kept.add(r);
        }

        Map<Digest, Descriptor> skeletons = new TreeMap<>(buildSkeletons);
        Set<Digest> recordLayers = new HashSet<>();
        older.values().forEach(r -> r.diffId().ifPresent(recordLayers::add));
        Set<Digest> keptLayers = new HashSet<>();
        kept.forEach(r -> r.diffId().ifPresent(keptLayers::add));
        for (Map.Entry<Digest, Descriptor> e : existingSkeletons.entrySet()) {
            Digest diffId = e.getKey();
            Descriptor d = e.getValue();
            if (keptLayers.contains(diffId)) {
                skeletons.putIfAbsent(diffId, d); // counted with its record above
            } else if (!kept.isEmpty() && !recordLayers.contains(diffId) && !blobs.containsKey(d.digest())) {
                // a layer no record made (a base image's) that kept records ran on: kept while it fits
                if (size + d.size() <= retention.maxSize()) {
                    size += d.size();
                    blobs.put(d.digest(), d.size());
                    skeletons.putIfAbsent(diffId, d);
                }
            }
        }
        List<CacheRecord> all = new ArrayList<>(mine.values());
        all.addAll(kept);
        return new Result(all, skeletons, mine.size(), kept.size(), older.size() - kept.size(), mounts);
    }

    private static Map<String, MountBlob> mounts(
            Map<String, MountBlob> buildMounts,
            Set<String> touched,
            List<CacheManifest> existing,
            LocalDate today,
            CacheRetention retention,
            long budget) {
        Map<String, MountBlob> out = new TreeMap<>();
        buildMounts.forEach((id, b) -> out.put(id, b.usedOn(today)));
        Map<String, MountBlob> found = new TreeMap<>();
        for (CacheManifest c : existing) {
            c.mounts().forEach((id, b) -> {
                if (!out.containsKey(id)) {
                    found.putIfAbsent(id, touched.contains(id) ? b.usedOn(today) : b);
                }
            });
        }
        LocalDate cutoff = today.minusDays(retention.maxAge().toDays());
        List<Map.Entry<String, MountBlob>> candidates = new ArrayList<>();
        for (Map.Entry<String, MountBlob> e : found.entrySet()) {
            if (!retention.maxAge().isZero() && !e.getValue().lastUsed().isBefore(cutoff)) {
                candidates.add(e);
            }
        }
        // the most recently used first; the id breaks ties, so every writer keeps the same ones
        candidates.sort(Comparator.comparing(
                        (Map.Entry<String, MountBlob> e) -> e.getValue().lastUsed())
                .reversed()
                .thenComparing(Map.Entry::getKey));
        long size = out.values().stream().mapToLong(b -> b.blob().size()).sum();
        for (Map.Entry<String, MountBlob> e : candidates) {
            long add = e.getValue().blob().size();
            if (size + add <= budget) {
                size += add;
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
