package dev.strata.archive;

import dev.strata.error.StrataException;
import dev.strata.oci.MediaType;

/** How a layer blob is compressed; maps to and from OCI and Docker layer media types. */
public enum Compression {
    NONE,
    GZIP,
    ZSTD;

    /** The OCI layer media type for this compression. */
    public String ociLayerMediaType() {
        return switch (this) {
            case NONE -> MediaType.OCI_LAYER;
            case GZIP -> MediaType.OCI_LAYER_GZIP;
            case ZSTD -> MediaType.OCI_LAYER_ZSTD;
        };
    }

    /** The compression of an OCI or Docker layer media type; an input error if it is not a layer type. */
    public static Compression ofMediaType(String mt) {
        return MediaType.layerCompression(mt)
                .map(c -> Compression.valueOf(c.name()))
                .orElseThrow(() -> StrataException.input("unknown layer media type '" + mt
                        + "': expected an OCI or Docker layer type (tar, tar+gzip, tar+zstd)"));
    }
}
