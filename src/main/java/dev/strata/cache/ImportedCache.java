package dev.strata.cache;

import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Reference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cache read at the start of a build ({@code --cache-from}): its records in memory, its layers
 * still where the cache lives (a registry repository or an OCI layout directory) until a step or an
 * export needs their bytes. Misses are explained against its records too, so a fresh runner says
 * which file changed instead of "no earlier build".
 */
public final class ImportedCache implements CacheSource {
    private final CacheSpec spec;
    private final CacheManifest cache;
    private final Map<CacheKey, CacheRecord> records;

    public ImportedCache(CacheSpec spec, CacheManifest cache) {
        this.spec = spec;
        this.cache = cache;
        this.records = cache.byKey();
    }

    /** The {@code --cache-from} (or export destination) it was read from. */
    public CacheSpec spec() {
        return spec;
    }

    /** The cache as it was read: its manifest names the layers and where they are. */
    public CacheManifest manifest() {
        return cache;
    }

    @Override
    public String name() {
        return spec.displayName();
    }

    /** The registry repository holding the layers, for a registry cache. */
    public Optional<Reference> repository() {
        return spec.type() == CacheSpec.Type.REGISTRY ? Optional.of(spec.reference()) : Optional.empty();
    }

    /** The OCI layout directory holding the layers, for a local cache. */
    public Optional<Path> directory() {
        return spec.type() == CacheSpec.Type.LOCAL ? Optional.of(spec.directory()) : Optional.empty();
    }

    /** Where the layers and skeletons this cache lists are: its registry repository or its directory. */
    public LayerOrigin origin() {
        return spec.type() == CacheSpec.Type.LOCAL
                ? new LayerOrigin.Directory(spec.directory())
                : new LayerOrigin.Registry(List.of(spec.reference()));
    }

    public int size() {
        return cache.records().size();
    }

    @Override
    public Optional<CacheRecord> lookup(CacheKey key) {
        return Optional.ofNullable(records.get(key))
                .filter(r -> r.layer().isPresent() == r.diffId().isPresent());
    }

    @Override
    public List<CacheRecord> candidates(String parentState, String instructionKind) {
        return cache.records().stream()
                .filter(r -> r.inputs().parentState().equals(parentState)
                        && r.inputs().kind().equals(instructionKind))
                .toList();
    }

    @Override
    public List<CacheRecord> sameInstruction(String instruction) {
        return cache.records().stream()
                .filter(r -> r.inputs().instruction().equals(instruction))
                .toList();
    }
}
