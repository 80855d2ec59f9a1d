package dev.strata.build;

import dev.strata.error.StrataException;
import dev.strata.oci.Layer;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Unpacked layers under the store ({@code snapshots/<diffID hex>}), made once (into a temp dir, then
 * renamed) and shared by every later build: overlay lowerdirs for RUN and views for COPY.
 */
final class SnapshotDirs {
    private final Path root;

    SnapshotDirs(Store store) {
        this.root = store.root().resolve("snapshots");
    }

    Path snapshot(Layer layer) {
        Path dir = root.resolve(layer.diffId().hex());
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".tmp-");
            try (InputStream in = layer.open()) {
                LayerUnpack.extract(in, tmp, true, "layer " + layer.descriptor().digest());
            } catch (RuntimeException | IOException e) {
                BuildSession.deleteTree(tmp);
                throw e;
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                BuildSession.deleteTree(tmp); // another build made it first
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir);
            }
            return dir;
        } catch (IOException e) {
            throw StrataException.environment("cannot unpack layer " + layer.descriptor().digest() + " into " + root
                    + ": " + e.getMessage(), e);
        }
    }
}
