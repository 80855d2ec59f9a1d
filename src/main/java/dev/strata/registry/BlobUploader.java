package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Uploads one blob into a repository: a cross-repository mount when a sibling repository of the
 * same registry holds it (falling back to upload when the registry answers 202), else a POST to open
 * a session and either one streaming PUT (small blobs) or PATCH chunks then a closing PUT.
 */
final class BlobUploader {
    /** Re-opens the blob's bytes from the start: retries need a fresh stream. */
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Transport t;
    private final long chunkSize;

    BlobUploader(Transport t, long chunkSize) {
        this.t = t;
        this.chunkSize = chunkSize;
    }

    /** Mounts {@code d} from {@code from} into {@code repo}; true if mounted, else the 202 session is used to upload. */
    void mountOrUpload(Reference repo, Reference from, Descriptor d, Opener opener) {
        URI uri = t.url("/v2/" + repo.repository() + "/blobs/uploads/?mount="
                + enc(d.digest().toString()) + "&from=" + enc(from.repository()));
        HttpResponse<InputStream> resp = t.send(Call.send(
                "POST",
                uri,
                List.of(RegistryClient.pushScope(repo), RegistryClient.pullScope(from)),
                Map.of(),
                HttpRequest.BodyPublishers::noBody));
        if (resp.statusCode() == 201) {
            Transport.discard(resp);
            return;
        }
        if (resp.statusCode() == 202) {
            Transport.discard(resp);
            upload(repo, d, opener, location(resp, repo));
            return;
        }
        throw Errors.of(resp, t, "push blob " + d.digest() + " to " + repo.name(), repo.name());
    }

    void upload(Reference repo, Descriptor d, Opener opener) {
        URI uri = t.url("/v2/" + repo.repository() + "/blobs/uploads/");
        HttpResponse<InputStream> resp = t.send(Call.send(
                "POST", uri, List.of(RegistryClient.pushScope(repo)), Map.of(), HttpRequest.BodyPublishers::noBody));
        if (resp.statusCode() != 202) {
            throw Errors.of(resp, t, "push blob " + d.digest() + " to " + repo.name(), repo.name());
        }
        Transport.discard(resp);
        upload(repo, d, opener, location(resp, repo));
    }

    private void upload(Reference repo, Descriptor d, Opener opener, URI session) {
        List<String> scopes = List.of(RegistryClient.pushScope(repo));
        String what = "push blob " + d.digest() + " to " + repo.name();
        if (d.size() <= chunkSize) {
            HttpResponse<InputStream> put = t.send(Call.send(
                    "PUT",
                    withDigest(session, d),
                    scopes,
                    Map.of("Content-Type", "application/octet-stream"),
                    () -> HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> reopen(opener)), d.size())));
            finish(put, d, what, repo);
            return;
        }
        URI location = session;
        try (InputStream in = opener.open()) {
            long offset = 0;
            byte[] buf = new byte[(int) Math.min(chunkSize, Integer.MAX_VALUE - 16)];
            while (offset < d.size()) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, d.size() - offset));
                if (n <= 0) {
                    throw StrataException.registry("cannot " + what + ": its source ended at byte " + offset + " of "
                            + d.size() + "; the local copy is damaged");
                }
                byte[] chunk = n == buf.length ? buf : Arrays.copyOf(buf, n);
                long start = offset;
                HttpResponse<InputStream> patch = t.send(Call.send(
                        "PATCH",
                        location,
                        scopes,
                        Map.of(
                                "Content-Type",
                                "application/octet-stream",
                                "Content-Range",
                                start + "-" + (start + n - 1)),
                        () -> HttpRequest.BodyPublishers.ofByteArray(chunk, 0, chunk.length)));
                if (patch.statusCode() != 202) {
                    throw Errors.of(patch, t, what, repo.name());
                }
                Transport.discard(patch);
                location = location(patch, repo);
                offset += n;
            }
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot " + what + ": reading the local blob failed: " + e.getMessage(), e);
        }
        HttpResponse<InputStream> put = t.send(Call.send(
                "PUT",
                withDigest(location, d),
                scopes,
                Map.of("Content-Type", "application/octet-stream"),
                HttpRequest.BodyPublishers::noBody));
        finish(put, d, what, repo);
    }

    private void finish(HttpResponse<InputStream> put, Descriptor d, String what, Reference repo) {
        if (put.statusCode() != 201 && put.statusCode() != 204) {
            throw Errors.of(put, t, what, repo.name());
        }
        Transport.discard(put);
        Optional<String> echoed = put.headers().firstValue("Docker-Content-Digest");
        if (echoed.isPresent() && !echoed.get().equals(d.digest().toString())) {
            throw StrataException.registry("cannot " + what + ": " + t.registry() + " stored it as " + echoed.get()
                    + "; the upload was corrupted on the way, try again");
        }
    }

    private static InputStream reopen(Opener opener) {
        try {
            return opener.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private URI location(HttpResponse<InputStream> resp, Reference repo) {
        String loc = resp.headers()
                .firstValue("Location")
                .orElseThrow(() -> StrataException.registry(t.registry() + " opened an upload to " + repo.name()
                        + " without a Location header; it is not a conforming registry"));
        return resp.request().uri().resolve(loc);
    }

    private static URI withDigest(URI session, Descriptor d) {
        String s = session.toString();
        return URI.create(
                s + (s.contains("?") ? "&" : "?") + "digest=" + enc(d.digest().toString()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
