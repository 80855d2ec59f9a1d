package dev.strata.build;

import dev.strata.error.StrataException;
import dev.strata.oci.Image;
import dev.strata.oci.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code FROM oci-layout://DIR[:tag]}: an image in an OCI image layout directory. */
final class OciLayoutBase {
    private OciLayoutBase() {
    }

    static Image image(String spec, Platform platform, String where) {
        Path dir = Path.of(spec);
        Optional<String> tag = Optional.empty();
        if (!Files.isDirectory(dir)) {
            int colon = spec.lastIndexOf(':');
            if (colon > 0) {
                dir = Path.of(spec.substring(0, colon));
                tag = Optional.of(spec.substring(colon + 1));
            }
        }
        if (!Files.isDirectory(dir)) {
            throw StrataException.input(where + ": oci-layout://" + spec + ": " + dir + " is not a directory");
        }
        return ImageFiles.readOciLayout(dir, tag, where);
    }
}
