package dev.strata.registry;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import java.util.Arrays;

/**
 * A manifest or index exactly as the registry served it (bytes verified against {@link #digest()}),
 * with the media type from the document, else from Content-Type.
 */
public record RawManifest(byte[] bytes, String mediaType, Digest digest) {
    public RawManifest {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The media type from the bytes themselves when they name one, else the transport's. */
    static RawManifest of(byte[] bytes, String contentType) {
        String declared = contentType == null ? "" : contentType.split(";")[0].trim();
        var node = OciJson.parse(bytes, "manifest");
        String type = node.path("mediaType").asText("");
        if (type.isEmpty()) {
            type = node.has("manifests")
                    ? MediaType.OCI_INDEX
                    : MediaType.isIndex(declared) || MediaType.isManifest(declared) ? declared : MediaType.OCI_MANIFEST;
        }
        return new RawManifest(bytes, type, Digest.sha256(bytes));
    }

    public boolean isIndex() {
        return MediaType.isIndex(mediaType);
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, bytes.length);
    }

    public Manifest asManifest() {
        return Manifest.parse(bytes, mediaType);
    }

    public Index asIndex() {
        return Index.parse(bytes, mediaType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawManifest r && Arrays.equals(bytes, r.bytes) && mediaType.equals(r.mediaType);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "RawManifest[" + mediaType + " " + digest + "]";
    }
}
