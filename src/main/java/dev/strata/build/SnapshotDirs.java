package dev.strata.build;

import dev.strata.error.StrataException;
import dev.strata.oci.Layer;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Unpacked layers under the store ({@code snapshots/<diffID hex>}), made once (into a temp dir, then
 * renamed) and shared by every later build: overlay lowerdirs for RUN and views for COPY.
 */
final class SnapshotDirs {
    private final Path root;
    private final Store store;
    private final java.util.concurrent.ConcurrentHashMap<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    SnapshotDirs(Store store) {
        this.root = store.root().resolve("snapshots");
        this.store = store;
    }

    Path snapshot(Layer layer) {
        // stages running in parallel often need the same base layer: unpack it once
        synchronized (locks.computeIfAbsent(layer.diffId().hex(), k -> new Object())) {
            return make(layer);
        }
    }

    private Path make(Layer layer) {
        Path dir = root.resolve(layer.diffId().hex());
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".tmp-");
            // layers from elsewhere (a layout, a registry) enter the store first: putBlob verifies their digest
            if (!store.hasBlob(layer.descriptor().digest())) {
                try (InputStream remote = layer.open()) {
                    store.putBlob(layer.descriptor().mediaType(), remote, java.util.Optional.of(layer.descriptor().digest()));
                }
            }
            try (InputStream in = store.openBlob(layer.descriptor().digest())) {
                LayerUnpack.extract(in, tmp, true, "layer " + layer.descriptor().digest());
            } catch (RuntimeException | IOException e) {
                BuildSession.deleteTree(tmp);
                throw e;
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                BuildSession.deleteTree(tmp);
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                // another build (or stage) made it first: theirs is the same content
            }
            return dir;
        } catch (IOException e) {
            throw StrataException.environment("cannot unpack layer " + layer.descriptor().digest() + " into " + root
                    + ": " + e.getMessage(), e);
        }
    }
}
