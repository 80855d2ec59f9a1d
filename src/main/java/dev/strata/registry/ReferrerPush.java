package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.oci.Reference;
import java.util.Optional;

/**
 * Pushes a manifest that names a subject (OCI distribution 1.1 "referrers"). A registry with the
 * referrers API says so with an {@code OCI-Subject} header and lists it itself; for one without
 * (distribution 2.8, many in use) the client keeps the {@code sha256-HEX} tag-schema index, adding
 * its entry next to the ones other tools put there (kept as they are, unknown fields included).
 * Two writers adding to that index at once can lose one entry: the fallback scheme has no lock.
 */
final class ReferrerPush {
    private ReferrerPush() {
    }

    static void push(RegistryClient client, Reference repo, byte[] manifest, String artifactType, Digest subject) {
        Digest digest = Digest.sha256(manifest);
        Reference byDigest = repo.withDigest(digest);
        Optional<String> subjectHeader = client.putManifestWithHeader(byDigest, manifest, MediaType.OCI_MANIFEST, "OCI-Subject");
        if (subjectHeader.isPresent()) {
            return;
        }
        Reference fallback = repo.withTag(subject.algorithm() + "-" + subject.hex());
        ObjectNode index;
        if (client.head(fallback).isPresent()) {
            RawManifest raw = client.manifest(fallback);
            JsonNode existing = OciJson.parse(raw.bytes(), "referrers index " + fallback);
            if (!raw.isIndex() || !existing.isObject()) {
                throw dev.strata.error.StrataException.registry(fallback + " is not a referrers index (it is "
                        + raw.mediaType() + "); another tool uses that tag, so strata will not overwrite it");
            }
            index = (ObjectNode) existing;
        } else {
            index = OciJson.object();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaType.OCI_INDEX);
        }
        ArrayNode manifests = index.has("manifests") && index.get("manifests").isArray()
                ? (ArrayNode) index.get("manifests") : index.putArray("manifests");
        for (JsonNode m : manifests) {
            if (digest.toString().equals(m.path("digest").asText())) {
                return;
            }
        }
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", MediaType.OCI_MANIFEST);
        entry.put("digest", digest.toString());
        entry.put("size", manifest.length);
        entry.put("artifactType", artifactType);
        client.putManifest(fallback, OciJson.bytes(index), MediaType.OCI_INDEX);
    }
}
