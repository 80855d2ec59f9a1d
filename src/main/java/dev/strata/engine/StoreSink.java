package dev.strata.engine;

import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.store.Store;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The local store as an {@link ImageSink}: a build's image and a pull land here. Each blob comes in
 * through the {@link LayerFetcher} (verified, renamed into place, once); with {@code leaveRemote} a
 * layer still in its registry stays there (a build that needs no bytes of its base downloads none).
 * The manifest is stored last and handed to {@code name}, which tags it: an interrupted write leaves
 * no tag naming a partial image.
 */
public final class StoreSink implements ImageSink {
    private final Store store;
    private final LayerFetcher fetcher;
    private final boolean leaveRemote;
    private final Consumer<Descriptor> name;

    public StoreSink(Store store, LayerFetcher fetcher, boolean leaveRemote, Consumer<Descriptor> name) {
        this.store = store;
        this.fetcher = fetcher;
        this.leaveRemote = leaveRemote;
        this.name = name;
    }

    @Override
    public String name() {
        return "store " + store.root();
    }

    @Override
    public void blob(Artifact artifact, Layer blob) {
        if (store.hasBlob(blob.descriptor().digest()) || (leaveRemote && blob.isRemote())) {
            return;
        }
        fetcher.fetch(blob);
    }

    @Override
    public void blobs(Artifact artifact, List<Layer> blobs) {
        fetcher.fetchAll(blobs.stream()
                .filter(b -> !store.hasBlob(b.descriptor().digest()) && !(leaveRemote && b.isRemote()))
                .toList());
    }

    @Override
    public void manifest(Artifact artifact) {
        Descriptor m = artifact.descriptor();
        name.accept(store.putBlob(
                m.mediaType(), new ByteArrayInputStream(artifact.manifest().bytes()), Optional.of(m.digest())));
    }
}
