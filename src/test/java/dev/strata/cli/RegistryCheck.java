package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a registry holds, asked over plain HTTP (not through strata's client, which is under test):
 * a tag's manifest, and which blobs the repository has complete.
 */
final class RegistryCheck {
    private final String host;

    RegistryCheck(String host) {
        this.host = host;
    }

    /** The manifest the tag names, or empty when the registry does not have the tag. */
    Optional<JsonNode> manifest(String repo, String tag) throws IOException {
        HttpURLConnection c = open("GET", "/v2/" + repo + "/manifests/" + tag);
        c.setRequestProperty("Accept", MediaType.OCI_MANIFEST);
        try {
            if (c.getResponseCode() == 404) {
                return Optional.empty();
            }
            if (c.getResponseCode() != 200) {
                throw new IOException("GET manifest: " + c.getResponseCode());
            }
            try (var in = c.getInputStream()) {
                return Optional.of(OciJson.parse(in.readAllBytes(), "manifest"));
            }
        } finally {
            c.disconnect();
        }
    }

    /** True when HEAD on the blob answers 200 with the expected length. */
    boolean hasBlob(String repo, String digest, long size) throws IOException {
        HttpURLConnection c = open("HEAD", "/v2/" + repo + "/blobs/" + digest);
        try {
            return c.getResponseCode() == 200 && c.getContentLengthLong() == size;
        } finally {
            c.disconnect();
        }
    }

    /** The manifest's blobs (config first) that the repository lacks or holds incomplete. */
    List<String> missingBlobs(String repo, JsonNode manifest) throws IOException {
        List<JsonNode> parts = new ArrayList<>();
        parts.add(manifest.path("config"));
        manifest.path("layers").forEach(parts::add);
        List<String> out = new ArrayList<>();
        for (JsonNode d : parts) {
            if (!hasBlob(repo, d.path("digest").asText(), d.path("size").asLong())) {
                out.add(d.path("digest").asText());
            }
        }
        return out;
    }

    private HttpURLConnection open(String method, String path) throws IOException {
        HttpURLConnection c =
                (HttpURLConnection) URI.create("http://" + host + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        return c;
    }
}
