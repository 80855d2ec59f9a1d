package dev.strata.engine;

import dev.strata.archive.Compression;
import dev.strata.archive.LayerExtractor;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import dev.strata.archive.WhiteoutMode;
import dev.strata.archive.WrittenLayer;
import dev.strata.cache.CacheSource;
import dev.strata.cache.ImportedCache;
import dev.strata.cache.MountBlob;
import dev.strata.error.StrataException;
import dev.strata.exec.CacheMountDir;
import dev.strata.exec.RunMount;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Layer;
import dev.strata.store.Store;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The build's side of exported cache mounts ({@code --cache-to ...,cache-mounts=true}): which mount
 * ids its RUN steps used and which of them ran, the content an imported cache carries for an id
 * unpacked just before the first RUN that uses it and misses (never for a hit: a hit reads no
 * mount), and each mount directory packed once for the exports.
 */
final class CacheMountSync {
    private final Store store;
    private final Path root;
    private final List<CacheSource> sources;
    private final LayerFetcher fetcher;
    private final StepEvents events;
    private final Path scratch;
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Set<String> ran = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Set<String> restored = ConcurrentHashMap.newKeySet();
    private final Map<String, Optional<Layer>> packed = new ConcurrentHashMap<>();

    CacheMountSync(
            Store store, Path root, List<CacheSource> sources, LayerFetcher fetcher, StepEvents events, Path scratch) {
        this.store = store;
        this.root = root;
        this.sources = sources;
        this.fetcher = fetcher;
        this.events = events;
        this.scratch = scratch;
    }

    /** A RUN of this build (hit or not) names the mount {@code id}: the cache keeps it alive. */
    void used(String id) {
        used.add(id);
    }

    /** Every mount id a RUN of this build named. */
    Set<String> usedIds() {
        return new TreeSet<>(used);
    }

    /** The mount ids a RUN of this build ran with: their content may have changed. */
    Set<String> ranIds() {
        return new TreeSet<>(ran);
    }

    /**
     * Before a RUN that missed runs with {@code m}: once per id and build, when this machine has no
     * content for it yet, the content the first imported cache carries for it (fetched, verified,
     * unpacked aside and renamed into place, so a concurrent step never sees half of it).
     */
    void beforeRun(RunMount.Cache m) {
        ran.add(m.id());
        synchronized (locks.computeIfAbsent(m.id(), k -> new Object())) {
            if (!restored.add(m.id())) {
                return;
            }
            Path dir = CacheMountDir.of(root, m.id());
            if (Files.isDirectory(dir) && !isEmpty(dir)) {
                return; // this machine's own content is at least as new as the exported one
            }
            for (CacheSource src : sources) {
                if (src instanceof ImportedCache c && c.manifest().mounts().containsKey(m.id())) {
                    restore(m, c, c.manifest().mounts().get(m.id()), dir);
                    return;
                }
            }
        }
    }

    private void restore(RunMount.Cache m, ImportedCache c, MountBlob b, Path dir) {
        String what = "cache mount " + m.id() + " of " + c.spec().location();
        fetcher.fetch(b.blob(), c.origin());
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, CacheMountDir.name(m.id()) + ".restore-");
            try (InputStream in = store.openBlob(b.blob().digest())) {
                LayerExtractor.extract(in, tmp, WhiteoutMode.APPLY, what);
            }
            // the root is the mount's own, as when it is first made empty
            Files.setAttribute(tmp, "unix:uid", m.uid());
            Files.setAttribute(tmp, "unix:gid", m.gid());
            Files.setAttribute(tmp, "unix:mode", m.mode() & 07777);
            Files.deleteIfExists(dir); // empty, or absent
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            events.notice("restored " + what + " (" + b.blob().size() + " bytes)");
        } catch (IOException e) {
            // the step still runs, on an empty mount: the content is an optimisation only
            events.notice("warning: cannot restore " + what + ": " + e.getMessage() + "; the step runs without it");
        } finally {
            if (tmp != null) {
                ScratchFiles.deleteTree(tmp);
            }
        }
    }

    /**
     * The directory of mount {@code id} as a mount blob in the store (gzip tar, entries sorted, mtimes
     * kept, so the same content is the same digest and an export sends it once); empty when this
     * machine has no such directory. Packed once per build, whichever exports ask.
     */
    Optional<Layer> pack(String id) {
        return packed.computeIfAbsent(id, this::packNow);
    }

    private Optional<Layer> packNow(String id) {
        Path dir = CacheMountDir.of(root, id);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path tmp = scratch.resolve("mount-" + UUID.randomUUID());
        try {
            WrittenLayer w;
            LayerOptions options = new LayerOptions(
                    Compression.GZIP, Optional.empty(), Runtime.getRuntime().availableProcessors());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w = LayerWriter.writeTree(dir, options, out);
            }
            Descriptor d = new Descriptor(
                    MountBlob.MEDIA_TYPE,
                    w.descriptor().digest(),
                    w.descriptor().size());
            try (InputStream in = Files.newInputStream(tmp)) {
                store.putBlob(d.mediaType(), in, Optional.of(d.digest()));
            }
            return Optional.of(store.blobSource().layer(d, w.diffId()));
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot pack cache mount " + id + " of " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // removed with the scratch directory
            }
        }
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
