package dev.strata.engine;

import dev.strata.cache.CacheReport;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.progress.Bytes;
import dev.strata.progress.ProgressListener;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata build} as a library call: plan the Dockerfile, solve the step graph against the
 * local cache, store the image, tag it and write the outputs.
 */
public final class Engine {
    private Engine() {}

    /** Builds {@code request} into {@code store}, reporting progress to {@code listener}. */
    public static BuildResult build(BuildRequest request, Store store, ProgressListener listener) {
        Instant start = Instant.now();
        BuildPlan plan = Dockerfile.read(request.dockerfile()).resolve(request.options());
        for (String stage : request.noCacheFilter()) {
            if (plan.dockerfile().stage(stage).isEmpty()) {
                throw StrataException.input("--no-cache-filter " + stage + ": " + request.dockerfile()
                        + " has no stage of that name; name a stage (FROM ... AS NAME)");
            }
        }
        StageGraph graph = Planner.plan(plan);
        try (BuildSession s = new BuildSession(request, plan, store, listener)) {
            s.uploadEarly(EarlyUploads.of(request, store, graph, s.events().meter()));
            s.baseImages.resolveAll(graph);
            plan.warnings().forEach(w -> s.events().notice("warning: " + w));
            if (!plan.unusedBuildArgs().isEmpty()) {
                s.events()
                        .notice("warning: build args not used by any ARG: "
                                + String.join(", ", plan.unusedBuildArgs()));
            }
            StageResult result;
            result = StageScheduler.solve(graph, s);
            Image image = Exporter.store(s, result);
            // the export and the push need every layer sent: what is under way finishes first
            s.earlyUploads().finish();
            Exporter.outputs(s, image);
            List<CacheReport.Export> exports =
                    s.cacheExports.write(s, graph, image.manifest().descriptor());
            Duration elapsed = Duration.between(start, Instant.now());
            BuildResult r = new BuildResult(
                    image,
                    image.manifest().descriptor(),
                    image.manifest().config().digest(),
                    s.reports(),
                    elapsed,
                    exports);
            s.events().summary(cacheReport(r));
            notDownloaded(store, image).ifPresent(s.events()::notice);
            s.events().finished(elapsed, Optional.of(r.manifest().digest().toString()));
            return r;
        }
    }

    /**
     * "3 layers (1.2 MiB) of the image were never downloaded": cache hits and base layers whose
     * bytes stayed in the registry (a push mounts them there), when there are any.
     */
    static Optional<String> notDownloaded(Store store, Image image) {
        List<Layer> remote = image.layers().stream()
                .filter(l -> !store.hasBlob(l.descriptor().digest()))
                .toList();
        if (remote.isEmpty()) {
            return Optional.empty();
        }
        long bytes = remote.stream().mapToLong(l -> l.descriptor().size()).sum();
        return Optional.of(remote.size() + (remote.size() == 1 ? " layer (" : " layers (") + Bytes.human(bytes)
                + ") of the image never downloaded: their bytes stay in the registry");
    }

    /** What the build took from cache and why the rest missed, one entry per filesystem step. */
    public static CacheReport cacheReport(BuildResult r) {
        return new CacheReport(
                r.steps().stream()
                        .map(s -> new CacheReport.Entry(
                                s.id(),
                                s.instruction(),
                                s.cached(),
                                s.source(),
                                s.missReason(),
                                s.layerDigest().map(Digest::parse)))
                        .toList(),
                r.exports());
    }

    /** Writes {@code --cache-report}: {@link #cacheReport} as JSON. */
    public static void writeCacheReport(BuildResult r, Path file) {
        write(file, cacheReport(r).toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code --iidfile} (the image ID: the config digest, as docker prints it). */
    public static void writeIidFile(BuildResult r, Path file) {
        write(file, r.configDigest().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code --metadata-file}. */
    /** Writes {@code --metadata-file}; {@code requests} are the registry requests the build sent, by method. */
    public static void writeMetadataFile(BuildResult r, List<String> tags, Map<String, Long> requests, Path file) {
        write(file, Exporter.metadata(r, tags, requests));
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw StrataException.environment("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
