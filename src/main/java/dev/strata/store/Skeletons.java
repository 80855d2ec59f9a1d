package dev.strata.store;

import dev.strata.archive.LayerSkeleton;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Layer skeletons ({@link LayerSkeleton}) in the store: a blob each, found by the layer's diffID under
 * {@code refs/skeleton/<diffID hex>}. Prune keeps one while its layer is kept (an image config or a
 * cache record names the diffID), not for its own sake. Skeletons are small (entries only), so they
 * are built in memory and stored like any blob (temp name, verified, renamed).
 */
public final class Skeletons {
    /** The ref namespace; Pruner treats it apart from the others (see there). */
    static final String NAMESPACE = "skeleton";

    private final Store store;

    public Skeletons(Store store) {
        this.store = store;
    }

    /** The skeleton of the layer with {@code diffId}, when this store has it (ref and blob). */
    public Optional<Descriptor> find(Digest diffId) {
        return store.ref(NAMESPACE, diffId.hex()).filter(d -> store.hasBlob(d.digest()));
    }

    /** Stores the finished skeleton bytes of the layer with {@code diffId}. */
    public Descriptor put(Digest diffId, byte[] skeleton) {
        Descriptor d = store.putBlob(MediaType.STRATA_LAYER_SKELETON, skeleton);
        store.setRef(NAMESPACE, diffId.hex(), d);
        return d;
    }

    /** Files a skeleton blob the store already holds (fetched from a cache, verified) under its layer's diffID. */
    public void remember(Digest diffId, Descriptor skeleton) {
        if (!store.hasBlob(skeleton.digest())) {
            throw new IllegalArgumentException("skeleton " + skeleton.digest() + " is not in the store");
        }
        store.setRef(NAMESPACE, diffId.hex(), skeleton);
    }

    /**
     * The skeleton of {@code layer}, made from its bytes when the store has none yet: opening a lazy
     * layer downloads it, which is what a build without a skeleton had to do anyway.
     */
    public Descriptor ofLayer(Layer layer) {
        Optional<Descriptor> have = find(layer.diffId());
        if (have.isPresent()) {
            return have.get();
        }
        String what = layer.descriptor().digest().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Digest diffId;
        try (InputStream in = layer.open()) {
            diffId = LayerSkeleton.of(in, out, what);
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot read layer " + what + " to make its skeleton: " + e.getMessage(), e);
        }
        if (!diffId.equals(layer.diffId())) {
            throw StrataException.input("layer " + what + " unpacks to diffID " + diffId + ", not " + layer.diffId()
                    + " as its image config says; the image is inconsistent");
        }
        return put(layer.diffId(), out.toByteArray());
    }
}
