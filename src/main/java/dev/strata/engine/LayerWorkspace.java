package dev.strata.engine;

import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerSkeleton;
import dev.strata.archive.WrittenLayer;
import dev.strata.context.ImageView;
import dev.strata.oci.Layer;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What a filesystem step uses of the build to read its parent and write its layer (the build's
 * {@link BuildSession} is the one implementation): scratch directories, views of layers, the
 * layer writer and the build's timestamp.
 */
interface LayerWorkspace {
    /** A fresh directory under the build's scratch space. */
    Path tempDir(String prefix);

    /** The timestamp of everything this build creates (SOURCE_DATE_EPOCH, else the epoch). */
    Instant createdInstant();

    /** Unpacked directories of {@code layers}, base first. */
    List<Path> lowerDirs(List<Layer> layers);

    /** The merged, mounted view of {@code layers}, for reading a stage's files. */
    MergedRootfs merged(List<Layer> layers);

    /** The image a step writes into, for its metadata (see {@link ParentView}). */
    ImageView parentView(List<Layer> layers);

    /** How layers are written: compression, clamped mtimes. */
    LayerOptions layerOptions();

    /** Writes a layer with {@code writer} and stores it with its skeleton (verified). */
    Layer storeLayer(BiFunction<OutputStream, Optional<LayerSkeleton>, WrittenLayer> writer);
}
