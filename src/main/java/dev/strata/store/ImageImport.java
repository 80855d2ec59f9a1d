package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Platform;
import java.nio.file.Path;

/** {@code strata import}: a root filesystem tarball becomes a one-layer image, like {@code docker import}. */
public final class ImageImport {
    private ImageImport() {
    }

    /**
     * Imports {@code tarball} (tar, tar.gz or tar.zst) as a one-layer image for {@code platform}, tags it
     * {@code name} (name:tag) with full reference {@code fullRef}, and returns the manifest descriptor.
     * Same tarball, same image digest.
     */
    public static Descriptor importRootfs(Store store, Path tarball, String name, String fullRef, Platform platform) {
        throw new UnsupportedOperationException("not yet");
    }
}
