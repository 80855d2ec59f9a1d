package dev.strata.context;

import java.nio.file.Path;

/**
 * Where COPY reads from: the build context (owners reset to root, .dockerignore applied) or, for
 * {@code COPY --from}, a stage's or image's unpacked rootfs (owners, modes and mtimes kept).
 */
public record CopySource(BuildContext tree, boolean keepOwners, String description) {

    /** The build context: files arrive as uid/gid 0 unless --chown. */
    public static CopySource context(BuildContext context) {
        return new CopySource(context, false, "build context");
    }

    /** An unpacked rootfs (COPY --from=stage|image): owners are kept from the source. */
    public static CopySource rootfs(Path root, String name) {
        return new CopySource(BuildContext.open(root, DockerIgnore.none()), true, name);
    }
}
