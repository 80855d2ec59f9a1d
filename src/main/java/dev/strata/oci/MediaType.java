package dev.strata.oci;

import java.util.Optional;

/** The media types strata reads and writes, OCI and Docker schema 2, and what each one is. */
public final class MediaType {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDIST = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDIST_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    /** A layer's skeleton (strata): its tar entries with file contents dropped, see archive.LayerSkeleton. */
    public static final String STRATA_LAYER_SKELETON = "application/vnd.strata.layer.skeleton.v1.tar+gzip";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

    /** How a layer blob's bytes are compressed. */
    public enum Compression {
        NONE,
        GZIP,
        ZSTD
    }

    private MediaType() {}

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
    }

    public static boolean isConfig(String mediaType) {
        return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
    }

    public static boolean isLayer(String mediaType) {
        return layerCompression(mediaType).isPresent();
    }

    /** The compression of a layer media type, or empty when it is not a layer type we know. */
    public static Optional<Compression> layerCompression(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        return switch (mediaType) {
            case OCI_LAYER, OCI_LAYER_NONDIST, DOCKER_LAYER -> Optional.of(Compression.NONE);
            case OCI_LAYER_GZIP, OCI_LAYER_NONDIST_GZIP, DOCKER_LAYER_GZIP, DOCKER_LAYER_FOREIGN ->
                Optional.of(Compression.GZIP);
            case OCI_LAYER_ZSTD, DOCKER_LAYER_ZSTD -> Optional.of(Compression.ZSTD);
            default -> Optional.empty();
        };
    }

    /** The OCI layer media type for a compression. */
    public static String ociLayer(Compression compression) {
        return switch (compression) {
            case NONE -> OCI_LAYER;
            case GZIP -> OCI_LAYER_GZIP;
            case ZSTD -> OCI_LAYER_ZSTD;
        };
    }

    /** The Docker schema 2 layer media type for a compression. */
    public static String dockerLayer(Compression compression) {
        return switch (compression) {
            case NONE -> DOCKER_LAYER;
            case GZIP -> DOCKER_LAYER_GZIP;
            case ZSTD -> DOCKER_LAYER_ZSTD;
        };
    }

    /** The media types to put in an Accept header when fetching a manifest of any kind. */
    public static String manifestAccept() {
        return String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);
    }
}
