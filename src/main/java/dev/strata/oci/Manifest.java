package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image manifest (OCI or Docker schema 2). It keeps the exact bytes it was read from or written
 * as, so its digest never drifts: pushing, storing and hashing always use {@link #bytes()}.
 */
public record Manifest(
        byte[] bytes,
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        Map<String, String> annotations,
        Optional<Descriptor> subject) {

    public Manifest {
        bytes = bytes.clone();
        layers = List.copyOf(layers);
        annotations = Map.copyOf(annotations);
    }

    /** Writes a new manifest of the given media type; its bytes are canonical for these values. */
    public static Manifest of(
            String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        if (!MediaType.isManifest(mediaType)) {
            throw new IllegalArgumentException("not a manifest media type: " + mediaType);
        }
        ObjectNode node = OciJson.object();
        node.put("schemaVersion", 2);
        node.put("mediaType", mediaType);
        node.set("config", config.toJson());
        ArrayNode arr = node.putArray("layers");
        layers.forEach(l -> arr.add(l.toJson()));
        if (!annotations.isEmpty()) {
            OciJson.putMap(node, "annotations", annotations);
        }
        return new Manifest(OciJson.bytes(node), mediaType, config, layers, annotations, Optional.empty());
    }

    /**
     * Parses manifest bytes. {@code declaredType} is the media type the transport named (a
     * Content-Type header, an index entry); the document's own mediaType wins when present.
     */
    public static Manifest parse(byte[] bytes, String declaredType) {
        JsonNode node = OciJson.parse(bytes, "image manifest");
        String type = Optional.ofNullable(OciJson.text(node, "mediaType")).orElse(declaredType);
        if (type == null) {
            type = MediaType.OCI_MANIFEST;
        }
        if (MediaType.isIndex(type) || node.has("manifests")) {
            throw StrataException.input("expected an image manifest but got an index (" + type + ")");
        }
        if (!MediaType.isManifest(type)) {
            throw StrataException.input("unsupported manifest media type '" + type + "'");
        }
        JsonNode schema = node.get("schemaVersion");
        if (schema == null || schema.asInt() != 2) {
            throw StrataException.input(
                    "unsupported manifest schemaVersion " + schema + ": only schema 2 is supported");
        }
        List<Descriptor> layers = new ArrayList<>();
        JsonNode arr = node.get("layers");
        if (arr != null && arr.isArray()) {
            for (int i = 0; i < arr.size(); i++) {
                layers.add(Descriptor.fromJson(arr.get(i), "manifest layer " + i));
            }
        }
        JsonNode subject = node.get("subject");
        return new Manifest(
                bytes,
                type,
                Descriptor.fromJson(node.get("config"), "manifest config"),
                layers,
                OciJson.stringMap(node.get("annotations")),
                subject == null ? Optional.empty() : Optional.of(Descriptor.fromJson(subject, "manifest subject")));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The digest of the exact bytes. */
    public Digest digest() {
        return Digest.sha256(bytes);
    }

    /** The descriptor that points at this manifest. */
    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest(), bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && Arrays.equals(bytes, m.bytes) && mediaType.equals(m.mediaType);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Manifest[" + mediaType + " " + digest() + "]";
    }
}
