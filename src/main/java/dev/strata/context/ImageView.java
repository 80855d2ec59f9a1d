package dev.strata.context;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a COPY needs to know about the image it copies into: whether a destination path exists (and
 * as what), and the text of /etc/passwd and /etc/group for {@code --chown} names. The engine gives
 * a view of the stage's current rootfs; {@link #empty()} stands for {@code FROM scratch}.
 */
public interface ImageView {

    /**
     * The entry at an absolute image path, without following a final symlink (its {@code path} is
     * the image path without the leading '/').
     */
    Optional<ContextEntry> lstat(String absPath);

    /** The text of a regular file in the image (following symlinks inside the image), if present. */
    Optional<String> readFile(String absPath);

    /** An empty image (FROM scratch). */
    static ImageView empty() {
        return new ImageView() {
            @Override
            public Optional<ContextEntry> lstat(String absPath) {
                return Optional.empty();
            }

            @Override
            public Optional<String> readFile(String absPath) {
                return Optional.empty();
            }
        };
    }

    /** A view of an unpacked rootfs directory on the host; symlinks are resolved inside it. */
    static ImageView ofRoot(Path rootfs) {
        Path root = rootfs.toAbsolutePath().normalize();
        return new ImageView() {
            @Override
            public Optional<ContextEntry> lstat(String absPath) {
                return BuildContext.read(root, BuildContext.normalize(absPath));
            }

            @Override
            public Optional<String> readFile(String absPath) {
                String real = ScopedPath.resolve(this::lstat, absPath, true);
                Optional<ContextEntry> e = lstat(real);
                if (e.isEmpty() || e.get().type() != FileType.REGULAR) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Files.readString(e.get().file(), StandardCharsets.UTF_8));
                } catch (IOException ex) {
                    throw StrataException.input("cannot read " + absPath + " in the image: " + ex.getMessage(), ex);
                }
            }
        };
    }
}
