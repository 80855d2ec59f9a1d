package dev.strata.oci;

import java.util.List;

/**
 * Somewhere an {@link Artifact} is written: the local store, an OCI layout, an oci- or docker-archive,
 * a registry repository under a tag or as a referrer. Every image output, push and cache export is
 * one of these, so the order that keeps a reader safe is written once, in {@link #write}: blobs first
 * (each skipped, mounted or copied as the sink can), the manifest last.
 */
public interface ImageSink {
    /** What the sink is, for messages: "registry 127.0.0.1:5000/app:1", "oci layout out/". */
    String name();

    /** True when the sink already holds exactly this manifest with all its blobs: nothing to send. */
    default boolean holds(Descriptor manifest) {
        return false;
    }

    /** Puts one blob unless the sink has it; verified against its digest before a reader can see it. */
    void blob(Artifact artifact, Layer blob);

    /** Puts every blob; a sink that can overlap transfers (a registry) does them in parallel. */
    default void blobs(Artifact artifact, List<Layer> blobs) {
        blobs.forEach(b -> blob(artifact, b));
    }

    /** After every blob: the manifest, under the sink's name. */
    void manifest(Artifact artifact);

    /** Writes {@code artifact}; false when the sink {@link #holds} it already and nothing was sent. */
    default boolean write(Artifact artifact) {
        if (holds(artifact.descriptor())) {
            return false;
        }
        blobs(artifact, artifact.blobs());
        manifest(artifact);
        return true;
    }
}
