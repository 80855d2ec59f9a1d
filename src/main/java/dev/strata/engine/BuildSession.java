package dev.strata.engine;

import dev.strata.archive.Compression;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerSkeleton;
import dev.strata.archive.WrittenLayer;
import dev.strata.cache.CacheSource;
import dev.strata.cache.LocalCache;
import dev.strata.context.BuildContext;
import dev.strata.context.ContentHasher;
import dev.strata.context.ImageView;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.error.StrataException;
import dev.strata.exec.Isolation;
import dev.strata.exec.RootfsView;
import dev.strata.exec.RunExecutor;
import dev.strata.exec.RunExecutors;
import dev.strata.oci.Layer;
import dev.strata.progress.ProgressListener;
import dev.strata.store.Skeletons;
import dev.strata.store.Snapshots;
import dev.strata.store.Store;
import dev.strata.store.TempNames;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** What every stage of one build shares: the store, cache, context, scratch space, runtime and events. */
final class BuildSession implements LayerWorkspace, AutoCloseable {
    final BuildRequest request;
    private final BuildPlan plan;
    final Store store;
    /** Where step results are looked up, in order, and where every step's record is written. */
    final List<CacheSource> cacheSources;

    /** Every step's record, hits included, goes into the local store's cache. */
    final LocalCache localCache;
    /** The one fetch-verify-store path of this build: every lazy layer downloads through it, once. */
    final LayerFetcher fetcher;
    /** The layers of cache hits: from the store, or lazily from an imported cache. */
    final CacheLayers cacheLayers;
    /** What {@code --cache-to} writes once the image is stored. */
    final CacheExports cacheExports = new CacheExports();
    /** Cache mounts: which ids RUN steps used, lazy restore from an imported cache, packing for export. */
    final CacheMountSync cacheMounts;

    final Snapshots snapshots;
    final ContentHasher hasher = new ContentHasher();
    private final Map<String, BuildContext> namedContexts = new ConcurrentHashMap<>();
    final BuildContext context;
    final BaseImages baseImages;
    final Path scratch;
    private final StepEvents events;
    private final AtomicInteger ids = new AtomicInteger();
    private final List<StepReport> reports = new ArrayList<>();
    private RunExecutor executor;
    private volatile EarlyUploads earlyUploads = EarlyUploads.none();
    /** Overlay mounts open right now (COPY views); a Ctrl-C unmounts them. */
    final Set<Path> mounts = ConcurrentHashMap.newKeySet();

    private final Thread onInterrupt = new Thread(this::cleanUp, "strata-build-cleanup");

    BuildSession(BuildRequest request, BuildPlan plan, Store store, ProgressListener listener) {
        this.request = request;
        this.plan = plan;
        this.store = store;
        this.events = new StepEvents(listener);
        LocalCache local = new LocalCache(store);
        List<CacheSource> sources = new ArrayList<>(List.of(local));
        sources.addAll(CacheImports.open(request, events, store));
        this.cacheSources = List.copyOf(sources);
        this.fetcher = new LayerFetcher(store, request.registry().client(), events.meter());
        this.cacheLayers = new CacheLayers(store, fetcher);
        this.localCache = local;
        this.snapshots = new Snapshots(store);
        this.context = BuildContext.open(request.context(), Optional.of(request.dockerfile()));
        this.baseImages = new BaseImages(store, request.registry(), fetcher);
        try {
            Files.createDirectories(store.root().resolve("tmp"));
            // the pid in the name lets prune remove a killed build's scratch dir at once (TempNames)
            this.scratch = Files.createTempDirectory(store.root().resolve("tmp"), TempNames.prefix("build"));
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot create a scratch directory under " + store.root() + "/tmp: " + e.getMessage(), e);
        }
        this.cacheMounts = new CacheMountSync(store, cacheMountRoot(), cacheSources, fetcher, events, scratch);
        Runtime.getRuntime().addShutdownHook(onInterrupt);
    }

    /** Where {@code type=cache} mount directories persist between builds on this machine. */
    Path cacheMountRoot() {
        return store.root().resolve("cache-mounts");
    }

    /** Opens the merged view of {@code layers} (see {@link MergedRootfs}). */
    @Override
    public MergedRootfs merged(List<Layer> layers) {
        return MergedRootfs.open(lowerDirs(layers), scratch, mounts);
    }

    /** Where written layers start uploading at once (set when the stage graph is known). */
    EarlyUploads earlyUploads() {
        return earlyUploads;
    }

    void uploadEarly(EarlyUploads e) {
        this.earlyUploads = e;
    }

    BuildPlan plan() {
        return plan;
    }

    /** The timestamp of everything this build creates: SOURCE_DATE_EPOCH, else 1970-01-01 (reproducible). */
    @Override
    public Instant createdInstant() {
        return request.sourceDateEpoch();
    }

    /** {@link #createdInstant()} as the config's RFC 3339 text. */
    String created() {
        return DateTimeFormatter.ISO_INSTANT.format(request.sourceDateEpoch());
    }

    int nextStepId() {
        return ids.incrementAndGet();
    }

    /** The progress events, delivered to the listener one at a time (stages run in parallel). */
    StepEvents events() {
        return events;
    }

    synchronized void report(StepReport r) {
        reports.add(r);
    }

    synchronized List<StepReport> reports() {
        List<StepReport> out = new ArrayList<>(reports);
        out.sort(Comparator.comparingInt(StepReport::id));
        return out;
    }

    /**
     * The RUN executor, probed on the first RUN (builds without RUN need no root or runtime):
     * crun, else runc, else chroot isolation; {@code --isolation} forces one.
     */
    synchronized RunExecutor executor() {
        if (executor == null) {
            executor = RunExecutors.probe(request.isolation().map(Isolation::parse), scratch);
            String limits = executor.notice();
            if (!limits.isEmpty()) {
                events.notice(limits);
            }
        }
        return executor;
    }

    /** The directory of {@code --build-context NAME=DIR}, opened once (its own .dockerignore applies). */
    BuildContext namedContext(String name) {
        return namedContexts.computeIfAbsent(
                name,
                n -> BuildContext.open(
                        Path.of(plan.options().directoryContext(n).orElseThrow()), Optional.empty()));
    }

    @Override
    public Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(scratch, prefix);
        } catch (IOException e) {
            throw StrataException.environment("cannot create a directory under " + scratch + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a layer with {@code writer} into a temp file, then into the store (verified), with its
     * skeleton, which the writer makes in the same pass (see {@link ParentView}).
     */
    @Override
    public Layer storeLayer(BiFunction<OutputStream, Optional<LayerSkeleton>, WrittenLayer> writer) {
        Path tmp = scratch.resolve("layer-" + UUID.randomUUID());
        try {
            WrittenLayer w;
            ByteArrayOutputStream skeletonBytes = new ByteArrayOutputStream();
            LayerSkeleton skeleton = LayerSkeleton.writingTo(skeletonBytes);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w = writer.apply(out, Optional.of(skeleton));
            }
            skeleton.finish();
            try (InputStream in = Files.newInputStream(tmp)) {
                store.putBlob(
                        w.descriptor().mediaType(),
                        in,
                        Optional.of(w.descriptor().digest()));
            }
            new Skeletons(store).put(w.diffId(), skeletonBytes.toByteArray());
            return store.blobSource().layer(w.descriptor(), w.diffId());
        } catch (IOException e) {
            throw StrataException.environment("cannot write a layer under " + scratch + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // removed with the scratch directory
            }
        }
    }

    @Override
    public ImageView parentView(List<Layer> layers) {
        return ParentView.of(this, layers);
    }

    /** How this build writes layers: gzip, mtimes clamped to {@link #createdInstant()} (reproducible). */
    @Override
    public LayerOptions layerOptions() {
        return new LayerOptions(
                Compression.GZIP,
                Optional.of(createdInstant()),
                Runtime.getRuntime().availableProcessors());
    }

    /** Unpacked directories of {@code layers}, base first (made once per layer, shared by builds). */
    @Override
    public List<Path> lowerDirs(List<Layer> layers) {
        List<Path> out = new ArrayList<>();
        for (Layer l : layers) {
            // a hardlink to a file of a lower layer is copied from the snapshots made so far
            List<Path> below = List.copyOf(out);
            out.add(snapshots.snapshot(l, path -> RootfsView.of(below).lookup(path)));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs cleanUp itself
        }
        cleanUp();
    }

    private synchronized void cleanUp() {
        // after a finished build this is a no-op; after a failure nothing more is sent
        earlyUploads.abandon();
        for (Path m : List.copyOf(mounts)) {
            try {
                MergedRootfs.unmount(m);
            } catch (RuntimeException e) {
                // keep going: the scratch removal below reports what is left
            }
            mounts.remove(m);
        }
        ScratchFiles.deleteTree(scratch);
    }
}
