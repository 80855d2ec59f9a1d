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

/** An image index or Docker manifest list, kept as its exact bytes. */
public record Index(byte[] bytes, String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {

    public Index {
        bytes = bytes.clone();
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    public static Index of(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
        if (!MediaType.isIndex(mediaType)) {
            throw new IllegalArgumentException("not an index media type: " + mediaType);
        }
        ObjectNode node = OciJson.object();
        node.put("schemaVersion", 2);
        node.put("mediaType", mediaType);
        ArrayNode arr = node.putArray("manifests");
        manifests.forEach(m -> arr.add(m.toJson()));
        if (!annotations.isEmpty()) {
            OciJson.putMap(node, "annotations", annotations);
        }
        return new Index(OciJson.bytes(node), mediaType, manifests, annotations);
    }

    public static Index parse(byte[] bytes, String declaredType) {
        JsonNode node = OciJson.parse(bytes, "image index");
        String type = Optional.ofNullable(OciJson.text(node, "mediaType")).orElse(declaredType);
        if (type == null || !MediaType.isIndex(type)) {
            type = MediaType.OCI_INDEX;
        }
        JsonNode arr = node.get("manifests");
        if (arr == null || !arr.isArray()) {
            throw StrataException.input("image index lacks a 'manifests' array");
        }
        List<Descriptor> manifests = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            manifests.add(Descriptor.fromJson(arr.get(i), "index entry " + i));
        }
        return new Index(bytes, type, manifests, OciJson.stringMap(node.get("annotations")));
    }

    /**
     * The manifest for a platform. Entries without a platform are skipped (attestations and the
     * like); the error lists what the index does offer.
     */
    public Descriptor select(Platform wanted, String what) {
        List<String> offered = new ArrayList<>();
        for (Descriptor d : manifests) {
            if (d.platform().isEmpty() || "unknown".equals(d.platform().get().os())) {
                continue;
            }
            if (d.platform().get().matches(wanted)) {
                return d;
            }
            offered.add(d.platform().get().toString());
        }
        throw StrataException.input(what + " has no image for platform " + wanted
                + (offered.isEmpty() ? "" : "; it offers " + String.join(", ", offered))
                + ". Pick one with --platform.");
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public Digest digest() {
        return Digest.sha256(bytes);
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest(), bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Index i && Arrays.equals(bytes, i.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Index[" + mediaType + " " + digest() + " " + manifests.size() + " manifests]";
    }
}
