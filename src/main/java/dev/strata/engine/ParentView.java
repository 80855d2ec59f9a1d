package dev.strata.engine;

import dev.strata.archive.SkeletonTree;
import dev.strata.context.ImageView;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Layer;
import dev.strata.store.Skeletons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * The image a COPY, ADD or WORKDIR writes into. When every layer below is local it is read from the
 * layers' snapshots, as always. When some are still in a registry (cache hits, FROM layers) it is
 * read from their skeletons instead, merged in memory ({@link SkeletonView}): the step only asks what exists below its destination and as
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
        SkeletonTree tree = new SkeletonTree();
        for (Layer l : layers) {
            Descriptor skeleton = skeletons
                    .find(l.diffId())
                    .or(() -> remote(s, l) ? imported(s, skeletons, l) : Optional.empty())
                    .orElseGet(() -> skeletons.ofLayer(l));
            stack(s, tree, skeleton, l);
        }
        return new SkeletonView(tree);
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

    /** The skeleton merged in memory on top of the skeletons below it: no file is written. */
    private static void stack(BuildSession s, SkeletonTree tree, Descriptor skeleton, Layer l) {
        try (InputStream in = s.store.openBlob(skeleton.digest())) {
            tree.apply(in);
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot read skeleton " + skeleton.digest() + " in " + s.store.root() + ": " + e.getMessage(), e);
        }
    }
}
