package dev.strata.engine;

import dev.strata.archive.LayerExtractor;
import dev.strata.archive.WhiteoutMode;
import dev.strata.context.ImageView;
import dev.strata.error.StrataException;
import dev.strata.exec.RootfsView;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Layer;
import dev.strata.store.Skeletons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image a COPY, ADD or WORKDIR writes into. When every layer below is local it is read from the
 * layers' snapshots, as always. When some are still in a registry (cache hits, FROM layers) it is
 * read from their skeletons instead: the step only asks what exists below its destination and as
 * what (type, mode, owner, mtime, link targets) and reads /etc/passwd and /etc/group, all of which a
 * skeleton keeps, so the layer it writes is the same bytes and the job downloads kilobytes, not the
 * image. A layer without a known skeleton is fetched and its skeleton made from it (the old cost).
 */
final class ParentView {
    private ParentView() {}

    static ImageView of(BuildSession s, List<Layer> layers) {
        if (layers.isEmpty()) {
            return ImageView.empty();
        }
        if (layers.stream().noneMatch(l -> remote(s, l))) {
            return new LayeredView(s.lowerDirs(layers));
        }
        Skeletons skeletons = new Skeletons(s.store);
        List<Path> dirs = new ArrayList<>();
        for (Layer l : layers) {
            Descriptor skeleton = skeletons
                    .find(l.diffId())
                    .or(() -> remote(s, l) ? imported(s, skeletons, l) : Optional.empty())
                    .orElseGet(() -> skeletons.ofLayer(l));
            dirs.add(unpack(s, skeleton, l, List.copyOf(dirs)));
        }
        return new LayeredView(dirs);
    }

    /** True for a layer whose bytes are only in a registry so far. */
    private static boolean remote(BuildSession s, Layer l) {
        return l.isRemote() && !s.store.hasBlob(l.descriptor().digest());
    }

    /** The skeleton an imported cache lists for the layer, fetched into the store (verified). */
    private static Optional<Descriptor> imported(BuildSession s, Skeletons skeletons, Layer l) {
        Optional<Layer> blob = CacheSkeletons.find(s, l.diffId());
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = blob.get().open()) {
            // opening it fetched the blob into the store (or found it there)
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | StrataException e) {
            s.events()
                    .notice("warning: cannot fetch the skeleton of layer "
                            + l.descriptor().digest() + " (" + e.getMessage() + "); fetching the layer instead");
            return Optional.empty();
        }
        skeletons.remember(l.diffId(), blob.get().descriptor());
        return Optional.of(blob.get().descriptor());
    }

    /** The skeleton unpacked into the build's scratch space, on top of the skeletons below it. */
    private static Path unpack(BuildSession s, Descriptor skeleton, Layer l, List<Path> below) {
        Path dir = s.tempDir("skeleton-");
        try (InputStream in = s.store.openBlob(skeleton.digest())) {
            // a hardlink to a lower layer's file is copied from the skeletons below (an empty file)
            LayerExtractor.extractDigesting(
                    in,
                    dir,
                    WhiteoutMode.OVERLAY,
                    "skeleton " + skeleton.digest() + " of layer "
                            + l.descriptor().digest(),
                    path -> RootfsView.of(below).lookup(path));
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot read skeleton " + skeleton.digest() + " in " + s.store.root() + ": " + e.getMessage(), e);
        }
        return dir;
    }
}
