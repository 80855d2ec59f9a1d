package dev.strata.store;

import dev.strata.oci.Image;
import dev.strata.oci.Platform;
import java.nio.file.Path;
import java.util.Optional;

/** An OCI image layout directory read as a source of images ({@code FROM oci-layout://DIR[:tag]}). */
public final class OciLayout {
    private final Path dir;

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    /** Opens the layout at {@code dir}; an input error if it is not an OCI image layout. */
    public static OciLayout open(Path dir) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The image tagged {@code tag} (org.opencontainers.image.ref.name), or the only manifest when no
     * tag is given; a nested index is resolved for {@code platform}. Layers are read lazily.
     */
    public Image image(Optional<String> tag, Platform platform) {
        throw new UnsupportedOperationException("not yet");
    }

    public Path dir() {
        return dir;
    }
}
