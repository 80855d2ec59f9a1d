package dev.strata.oci;

import java.util.List;

/** A single-platform image: its manifest, its config, and its layers in order (base first). */
public interface Image {
    Manifest manifest();

    /** The config's exact bytes: its digest is the manifest's config digest. */
    byte[] configBytes();

    default ImageConfig config() {
        return ImageConfig.parse(configBytes());
    }

    List<Layer> layers();
}
