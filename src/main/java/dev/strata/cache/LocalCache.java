package dev.strata.cache;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cache records kept in the local store: record blobs named by refs/cache/KEY, the layer kept alive by
 * refs/cache-layer/KEY (prune does not look inside records), and a candidate index per
 * (parent state, instruction kind) under refs/cacheidx-HASH/KEY. Adding the same key twice is harmless.
 */
public final class LocalCache implements CacheSource {
    private final Store store;

    public LocalCache(Store store) {
        this.store = store;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Optional<CacheRecord> lookup(CacheKey key) {
        return store.ref("cache", key.digest().hex())
                .filter(d -> store.hasBlob(d.digest()))
                .flatMap(d -> read(d.digest()))
                .filter(r ->
                        r.answers(key) && r.layer().isPresent() == r.diffId().isPresent())
                .filter(r -> r.layer().map(l -> store.hasBlob(l.digest())).orElse(true));
    }

    /** A damaged record (corrupt blob, unreadable JSON) is a miss, never a failed build: the step re-runs. */
    private Optional<CacheRecord> read(Digest blob) {
        try {
            return Optional.of(CacheRecord.parse(store.readBlob(blob)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<CacheRecord> candidates(String parentState, String instructionKind) {
        return recordsIn(indexNamespace(parentState, instructionKind));
    }

    @Override
    public List<CacheRecord> sameInstruction(String instruction) {
        return recordsIn(instructionNamespace(instruction));
    }

    /** The readable records an index namespace names (refs/NAMESPACE/KEY). */
    private List<CacheRecord> recordsIn(String namespace) {
        List<CacheRecord> out = new ArrayList<>();
        for (String hex : store.refNames(namespace)) {
            lookup(new CacheKey(new Digest("sha256", hex))).ifPresent(out::add);
        }
        return out;
    }

    /** Keeps {@code record} (durable once this returns); adding the same key again is harmless. */
    public void add(CacheRecord record) {
        Descriptor blob = store.putBlob(CacheRecord.MEDIA_TYPE, record.toJson());
        String name = record.key().digest().hex();
        record.layer().ifPresent(l -> store.setRef("cache-layer", name, l));
        store.setRef(
                indexNamespace(record.inputs().parentState(), record.inputs().kind()), name, blob);
        store.setRef(instructionNamespace(record.inputs().instruction()), name, blob);
        store.setRef("cache", name, blob);
        // an alias finds the same record (a COPY --from keyed by its source's layers)
        record.aliases().forEach(a -> store.setRef("cache", a.digest().hex(), blob));
    }

    static String instructionNamespace(String instruction) {
        return "cacheins-"
                + Digest.sha256(instruction.getBytes(StandardCharsets.UTF_8))
                        .hex()
                        .substring(0, 32);
    }

    static String indexNamespace(String parentState, String kind) {
        byte[] b = (parentState + "\n" + kind).getBytes(StandardCharsets.UTF_8);
        return "cacheidx-" + Digest.sha256(b).hex().substring(0, 32);
    }
}
