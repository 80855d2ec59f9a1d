package dev.strata.engine;

import dev.strata.cache.CacheSource;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.ImportedCache;
import dev.strata.cache.RegistryCache;
import dev.strata.error.StrataException;
import dev.strata.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads every {@code --cache-from} at the start of a build: manifest and records only, never a layer.
 * A cache that is missing or unreadable is a warning and the build goes on without it, as BuildKit
 * does: a first CI job has no cache yet, and a damaged cache must not stop a build that can run.
 */
final class CacheImports {
    private CacheImports() {}

    static List<CacheSource> open(BuildRequest request, StepEvents events, Store store) {
        List<CacheSource> out = new ArrayList<>();
        if (request.noCache()) {
            // nothing is looked up: reading the caches would only cost requests
            return out;
        }
        for (CacheSpec spec : request.cache().from()) {
            try {
                Optional<ImportedCache> c = spec.type() == CacheSpec.Type.REGISTRY
                        ? RegistryCache.read(request.registry().client(), spec)
                        : DirCache.read(spec);
                if (c.isEmpty()) {
                    events.notice("warning: cache " + spec.location() + " not found; building without it");
                } else {
                    Set<String> mounts = c.get().manifest().mounts().keySet();
                    events.notice("importing cache " + spec.location() + ": "
                            + c.get().size() + " records"
                            + (mounts.isEmpty() ? "" : ", cache mounts " + String.join(", ", mounts)));
                    out.add(c.get());
                    c.get()
                            .repository()
                            .ifPresent(r -> LayerOrigins.rememberCache(
                                    store, r, c.get().manifest().manifest()));
                }
            } catch (StrataException e) {
                events.notice("warning: cache " + spec.location() + " cannot be read (" + e.getMessage()
                        + "); building without it");
            }
        }
        return out;
    }
}
