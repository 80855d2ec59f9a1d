package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifests that name a subject (OCI distribution 1.1 "referrers"): listing them, and pushing one.
 * A registry with the
 * referrers API says so with an {@code OCI-Subject} header and lists it itself; for one without
 * (distribution 2.8, many in use) the client keeps the {@code sha256-HEX} tag-schema index, adding
 * its entry next to the ones other tools put there (kept as they are, unknown fields included).
 * Two writers adding to that index at once can lose one entry: the fallback scheme has no lock.
 */
final class Referrers {
    private Referrers() {}

    /** The referrers API, else (a registry without it answers 404) the tag-schema index, else none. */
    static List<Descriptor> list(RegistryClient client, Reference repo, Digest subject) {
        Transport t = client.transport(repo.registry());
        HttpResponse<InputStream> resp = t.send(Call.get(
                t.url("/v2/" + repo.repository() + "/referrers/" + subject),
                List.of(RegistryClient.pullScope(repo)),
                Map.of("Accept", MediaType.OCI_INDEX)));
        if (resp.statusCode() == 200) {
            try (InputStream in = resp.body()) {
                return Index.parse(in.readAllBytes(), MediaType.OCI_INDEX).manifests();
            } catch (IOException e) {
                throw StrataException.registry("cannot read the referrers of " + subject + " in " + repo.name(), e);
            }
        }
        Transport.discard(resp);
        if (resp.statusCode() != 404 && resp.statusCode() != 400 && resp.statusCode() != 405) {
            throw Errors.of(resp, t, "list the referrers of " + subject + " in " + repo.name(), repo.name());
        }
        Reference fallback = fallbackTag(repo, subject);
        if (client.head(fallback).isEmpty()) {
            return List.of();
        }
        RawManifest raw = client.manifest(fallback);
        return raw.isIndex() ? raw.asIndex().manifests() : List.of();
    }

    /** The tag-schema index's tag: {@code sha256-HEX} of the subject. */
    private static Reference fallbackTag(Reference repo, Digest subject) {
        return repo.withTag(subject.algorithm() + "-" + subject.hex());
    }

    static void push(RegistryClient client, Reference repo, byte[] manifest, String artifactType, Digest subject) {
        Digest digest = Digest.sha256(manifest);
        Reference byDigest = repo.withDigest(digest);
        Optional<String> subjectHeader =
                client.putManifestWithHeader(byDigest, manifest, MediaType.OCI_MANIFEST, "OCI-Subject");
        if (subjectHeader.isPresent()) {
            return;
        }
        Reference fallback = fallbackTag(repo, subject);
        ObjectNode index;
        if (client.head(fallback).isPresent()) {
            RawManifest raw = client.manifest(fallback);
            JsonNode existing = OciJson.parse(raw.bytes(), "referrers index " + fallback);
            if (!raw.isIndex() || !existing.isObject()) {
                throw StrataException.registry(fallback + " is not a referrers index (it is " + raw.mediaType()
                        + "); another tool uses that tag, so strata will not overwrite it");
            }
            index = (ObjectNode) existing;
        } else {
            index = OciJson.object();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaType.OCI_INDEX);
        }
        ArrayNode manifests = index.has("manifests") && index.get("manifests").isArray()
                ? (ArrayNode) index.get("manifests")
                : index.putArray("manifests");
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
