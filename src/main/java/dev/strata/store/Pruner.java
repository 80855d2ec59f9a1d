package dev.strata.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Garbage collection of a {@link Store}: mark from tags and refs, sweep blobs and snapshots that are
 * unreached and old enough. A snapshot (an unpacked layer, named by diffID) lives as long as a reached
 * image config or cache record names its diffID.
 */
final class Pruner {
    /**
     * The cache package's record media type (CacheRecord.MEDIA_TYPE). store may not use cache, so the
     * two fields read here ("layer", "diffId") are named here; cache's tests prune to catch drift.
     */
    static final String CACHE_RECORD = "application/vnd.strata.cache.record.v1+json";
    /** Where the build engine's stand-in cache lived before the cache package existed; nothing reads it now. */
    private static final String LEGACY_CACHE = "build-cache";

    private Pruner() {}

    static int prune(Store store, Duration grace) {
        long keepAfter = System.currentTimeMillis() - grace.toMillis();
        return store.withLock(true, () -> {
            try {
                deleteTree(store.root().resolve(LEGACY_CACHE));
                deleteTree(store.root().resolve("refs").resolve(LEGACY_CACHE));
                dropOrphanCacheRefs(store.root().resolve("refs"), keepAfter);
                Set<Digest> live = new HashSet<>();
                Set<String> liveDiffIds = new HashSet<>();
                mark(store, live, liveDiffIds);
                markSkeletons(
                        store.root().resolve("refs").resolve(Skeletons.NAMESPACE), store, live, liveDiffIds, keepAfter);
                int removed = 0;
                try (var w = Files.list(store.root().resolve("blobs/sha256"))) {
                    for (Path p : (Iterable<Path>) w::iterator) {
                        String name = p.getFileName().toString();
                        if (!name.matches("[0-9a-f]{64}")) {
                            continue; // not ours: leave files we do not understand alone
                        }
                        if (!live.contains(new Digest("sha256", name))
                                && Files.getLastModifiedTime(p).toMillis() < keepAfter) {
                            Files.delete(p);
                            removed++;
                        }
                    }
                }
                sweepSnapshots(store.root().resolve("snapshots"), liveDiffIds, keepAfter);
                Path tmp = store.root().resolve("tmp");
                LeftoverMounts.unmountDead(tmp);
                List<Path> mounted = LeftoverMounts.below(tmp);
                try (var w = Files.list(tmp)) {
                    // a killed writer's leftovers at once; others only when stale, as a younger one
                    // may belong to a writer running right now
                    long cutoff = System.currentTimeMillis() - 3_600_000L;
                    for (Path p : (Iterable<Path>) w::iterator) {
                        if (mounted.stream()
                                .anyMatch(m -> m.startsWith(p.toAbsolutePath().normalize()))) {
                            continue; // a build still reads through it
                        }
                        if (TempNames.writerGone(p.getFileName().toString())
                                || Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
                                                .toMillis()
                                        < cutoff) {
                            deleteTree(p); // a killed build leaves whole scratch dirs here
                        }
                    }
                }
                return removed;
            } catch (IOException e) {
                throw store.ioFailure("prune the store", e);
            }
        });
    }

    /**
     * The cache writes refs/cache-layer/KEY, refs/cacheidx-HASH/KEY and refs/cacheins-HASH/KEY before refs/cache/KEY; without the
     * record (removed, or a crash in between) they would keep a layer alive that nothing can use. Young
     * ones are left: a build may be between those writes right now.
     */
    private static void dropOrphanCacheRefs(Path refs, long keepAfter) throws IOException {
        if (!Files.isDirectory(refs)) {
            return;
        }
        Path records = refs.resolve("cache");
        try (var dirs = Files.list(refs)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String ns = d.getFileName().toString();
                if (!Files.isDirectory(d)
                        || !(ns.equals("cache-layer") || ns.startsWith("cacheidx-") || ns.startsWith("cacheins-"))) {
                    continue;
                }
                try (var names = Files.list(d)) {
                    for (Path r : (Iterable<Path>) names::iterator) {
                        if (!Files.exists(records.resolve(r.getFileName().toString()))
                                && Files.getLastModifiedTime(r).toMillis() < keepAfter) {
                            Files.deleteIfExists(r);
                        }
                    }
                }
            }
        }
    }

    private static void mark(Store store, Set<Digest> live, Set<String> liveDiffIds) throws IOException {
        ArrayDeque<Descriptor> todo = new ArrayDeque<>(store.readIndex());
        Path refs = store.root().resolve("refs");
        if (Files.isDirectory(refs)) {
            try (var w = Files.walk(refs)) {
                // a skeleton ref is no root: it lives as long as its layer (markSkeletons)
                Path skeletons = refs.resolve(Skeletons.NAMESPACE);
                for (Path p : (Iterable<Path>)
                        w.filter(Files::isRegularFile).filter(p -> !p.startsWith(skeletons))::iterator) {
                    todo.add(store.readRef(p));
                }
            }
        }
        while (!todo.isEmpty()) {
            Descriptor d = todo.pop();
            if (!live.add(d.digest()) || !store.hasBlob(d.digest())) {
                continue;
            }
            if (MediaType.isIndex(d.mediaType())) {
                todo.addAll(
                        Index.parse(store.readBlob(d.digest()), d.mediaType()).manifests());
            } else if (MediaType.isManifest(d.mediaType())) {
                Manifest m = Manifest.parse(store.readBlob(d.digest()), d.mediaType());
                todo.add(m.config());
                todo.addAll(m.layers());
            } else if (MediaType.isConfig(d.mediaType())) {
                JsonNode c = OciJson.parse(store.readBlob(d.digest()), "image config " + d.digest());
                c.path("rootfs").path("diff_ids").forEach(id -> liveDiffIds.add(id.asText()));
            } else if (CACHE_RECORD.equals(d.mediaType())) {
                JsonNode r = OciJson.parse(store.readBlob(d.digest()), "cache record " + d.digest());
                if (r.hasNonNull("diffId")) {
                    liveDiffIds.add(r.get("diffId").asText());
                }
                if (r.path("layer").hasNonNull("digest")) {
                    JsonNode l = r.get("layer");
                    todo.add(new Descriptor(
                            l.path("mediaType").asText(),
                            Digest.parse(l.get("digest").asText()),
                            Math.max(0, l.path("size").asLong())));
                }
            }
        }
    }

    /**
     * Keeps the skeleton of every layer whose diffID is live; drops the refs of the others once older
     * than the grace period (a build may be between writing a layer and the record naming it), so
     * their blobs are swept with the rest.
     */
    private static void markSkeletons(Path dir, Store store, Set<Digest> live, Set<String> liveDiffIds, long keepAfter)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var w = Files.list(dir)) {
            for (Path p : (Iterable<Path>) w.filter(Files::isRegularFile)::iterator) {
                String name = p.getFileName().toString();
                if (liveDiffIds.contains("sha256:" + name)
                        || Files.getLastModifiedTime(p).toMillis() >= keepAfter) {
                    live.add(store.readRef(p).digest());
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Removes snapshots whose diffID nothing live names, and half-made ones (.tmp-*), when older than
     * the grace period. Age is the directory's ctime: a snapshot is renamed into place when finished,
     * while its mtime is the layer's (often 1970).
     */
    private static void sweepSnapshots(Path dir, Set<String> liveDiffIds, long keepAfter) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var w = Files.list(dir)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                String name = p.getFileName().toString();
                boolean unnamed = name.startsWith(".tmp-");
                if (!unnamed && (!name.matches("[0-9a-f]{64}") || liveDiffIds.contains("sha256:" + name))) {
                    continue;
                }
                FileTime changed = (FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
                // a .tmp- dir may be an extraction running now: unless its maker is gone, it gets at
                // least the temp files' hour
                long cutoff = unnamed ? Math.min(keepAfter, System.currentTimeMillis() - 3_600_000L) : keepAfter;
                if ((unnamed && TempNames.writerGone(name)) || changed.toMillis() < cutoff) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var w = Files.walk(root)) {
            for (Path p : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
