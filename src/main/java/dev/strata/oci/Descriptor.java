package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An OCI content descriptor: what a blob is, its digest and size, and optional annotations. */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        Map<String, String> annotations,
        Optional<Platform> platform,
        List<String> urls) {

    public Descriptor {
        if (size < 0) {
            throw StrataException.input("descriptor " + digest + " has a negative size " + size);
        }
        annotations = Map.copyOf(annotations);
        urls = List.copyOf(urls);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), Optional.empty(), List.of());
    }

    /** The same descriptor with other annotations. */
    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, newAnnotations, platform, urls);
    }

    /** The same descriptor with a platform (for index entries). */
    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, annotations, Optional.of(p), urls);
    }

    /** The same descriptor with another media type (e.g. OCI to Docker layer types). */
    public Descriptor withMediaType(String newMediaType) {
        return new Descriptor(newMediaType, digest, size, annotations, platform, urls);
    }

    static Descriptor fromJson(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw StrataException.input(what + " is not a descriptor object");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong()) {
            throw StrataException.input(what + " lacks a numeric 'size'");
        }
        JsonNode platform = node.get("platform");
        return new Descriptor(
                OciJson.required(node, "mediaType", what),
                Digest.parse(OciJson.required(node, "digest", what)),
                size.asLong(),
                OciJson.stringMap(node.get("annotations")),
                platform != null && platform.isObject() ? Optional.of(Platform.fromJson(platform)) : Optional.empty(),
                OciJson.strings(node.get("urls")));
    }

    ObjectNode toJson() {
        ObjectNode node = OciJson.object();
        node.put("mediaType", mediaType);
        node.put("digest", digest.toString());
        node.put("size", size);
        if (!urls.isEmpty()) {
            OciJson.putStrings(node, "urls", urls);
        }
        if (!annotations.isEmpty()) {
            OciJson.putMap(node, "annotations", new TreeMap<>(annotations));
        }
        platform.ifPresent(p -> p.writeTo(node.putObject("platform")));
        return node;
    }
}
