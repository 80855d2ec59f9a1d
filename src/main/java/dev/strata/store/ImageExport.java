package dev.strata.store;

import dev.strata.oci.Image;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes an image out of the store in the forms other tools read: an OCI image-layout directory,
 * an oci-archive (a tar of such a layout) and a docker-archive that {@code docker load} accepts.
 * Tar output is deterministic: same image, same bytes.
 */
public final class ImageExport {
    private ImageExport() {
    }

    /** Writes {@code image} as an OCI image layout in {@code dir}, tagged {@code tag} (ref.name). */
    public static void writeOciLayout(Image image, Store source, Path dir, String tag) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes {@code image} as an oci-archive (tar of an OCI image layout) to {@code out}. */
    public static void writeOciArchive(Image image, Store source, OutputStream out, String tag) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes {@code image} as a docker-archive ({@code docker load} format) tagged {@code repoTag}. */
    public static void writeDockerArchive(Image image, Store source, OutputStream out, String repoTag) {
        throw new UnsupportedOperationException("not yet");
    }
}
