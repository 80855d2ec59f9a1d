package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.error.StrataException;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The Authorization header for one registry: nothing until the registry challenges, then Basic
 * with the saved credential, or a Bearer token from the challenge's realm for the request's scopes
 * (cached per scope set until it expires). An identity token, or a refresh token the token service
 * handed out, is spent by the OAuth2 refresh-token POST instead of a Basic-authenticated GET.
 */
final class Authenticator {
    private record Token(String value, Instant expires) {}

    private final String registry;
    private final Supplier<Optional<Credential>> credential;
    private final Supplier<HttpClient> client;
    private final Duration timeout;
    private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile Challenge challenge;
    private volatile String refreshToken;

    Authenticator(
            String registry, Supplier<Optional<Credential>> credential, Supplier<HttpClient> client, Duration timeout) {
        this.registry = registry;
        this.credential = credential;
        this.client = client;
        this.timeout = timeout;
    }

    boolean hasCredential() {
        return credential.get().isPresent();
    }

    /** The header for a request with these scopes, once the registry's scheme is known. */
    Optional<String> header(List<String> scopes) {
        Challenge c = challenge;
        if (c == null) {
            return Optional.empty();
        }
        if (c.scheme().equals("basic")) {
            return credential.get().filter(cr -> !cr.isIdentityToken()).map(Credential::basicHeader);
        }
        Token t = tokens.get(key(scopes));
        if (t == null || Instant.now().isAfter(t.expires())) {
            t = fetch(c, scopes, false);
        }
        return Optional.of("Bearer " + t.value());
    }

    /**
     * Learns from a 401's challenge; returns true when a retry with a new header may succeed. The
     * token for these scopes is dropped: the registry refused it.
     */
    boolean onUnauthorized(HttpHeaders headers, List<String> scopes) {
        List<Challenge> all = Challenge.parseAll(headers.allValues("WWW-Authenticate"));
        Optional<Challenge> bearer =
                all.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        Optional<Challenge> basic =
                all.stream().filter(c -> c.scheme().equals("basic")).findFirst();
        tokens.remove(key(scopes));
        if (bearer.isPresent() && bearer.get().param("realm").isPresent()) {
            challenge = bearer.get();
            fetch(challenge, scopes, true);
            return true;
        }
        if (basic.isPresent()
                && credential.get().filter(c -> !c.isIdentityToken()).isPresent()) {
            challenge = basic.get();
            return true;
        }
        return false;
    }

    /** A token for the scopes; the challenge's own scope is added only when answering that 401. */
    private Token fetch(Challenge c, List<String> scopes, boolean withChallengeScope) {
        TreeSet<String> all = new TreeSet<>(scopes);
        if (withChallengeScope) {
            c.param("scope").ifPresent(s -> all.addAll(List.of(s.split(" "))));
        }
        String realm = c.param("realm").orElseThrow();
        Optional<String> service = c.param("service");
        Optional<Credential> cred = credential.get();
        String refresh = refreshToken != null
                ? refreshToken
                : cred.filter(Credential::isIdentityToken)
                        .map(Credential::secret)
                        .orElse(null);
        HttpRequest request;
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw StrataException.registry(registry + " sent a token realm that is not a URL: " + realm);
        }
        if (refresh != null) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=strata");
            form.append("&refresh_token=").append(enc(refresh));
            service.ifPresent(s -> form.append("&service=").append(enc(s)));
            if (!all.isEmpty()) {
                form.append("&scope=").append(enc(String.join(" ", all)));
            }
            request = HttpRequest.newBuilder(realmUri)
                    .timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                    .build();
        } else {
            StringBuilder q = new StringBuilder();
            service.ifPresent(s -> q.append("&service=").append(enc(s)));
            all.forEach(s -> q.append("&scope=").append(enc(s)));
            cred.ifPresent(cr -> q.append("&account=").append(enc(cr.username())));
            String sep = realm.contains("?") ? "&" : "?";
            URI uri = URI.create(realm + (q.length() == 0 ? "" : sep + q.substring(1)));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            cred.ifPresent(cr -> b.header("Authorization", cr.basicHeader()));
            request = b.build();
        }
        HttpResponse<InputStream> resp;
        byte[] body;
        try {
            resp = client.get().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                body = in.readNBytes(1 << 20);
            }
        } catch (IOException e) {
            throw StrataException.registry(
                    "cannot reach the token service " + realmUri.getHost() + " of " + registry + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.registry("interrupted while getting a token from " + registry);
        }
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw new AuthRefused(registry + "'s token service refused "
                    + (cred.isPresent() ? "the saved credentials" : "an anonymous request") + " ("
                    + resp.statusCode() + "); run `strata login " + registry + "`");
        }
        if (resp.statusCode() / 100 != 2) {
            throw StrataException.registry(registry + "'s token service " + realmUri.getHost() + " answered "
                    + resp.statusCode() + "; try again later");
        }
        JsonNode json = OciJson.parse(body, "token response from " + realmUri.getHost());
        String value = json.path("token").asText("");
        if (value.isEmpty()) {
            value = json.path("access_token").asText("");
        }
        if (value.isEmpty()) {
            throw StrataException.registry(
                    registry + "'s token service sent no token (neither 'token' nor 'access_token')");
        }
        if (json.hasNonNull("refresh_token")) {
            refreshToken = json.get("refresh_token").asText();
        }
        long seconds = Math.max(60, json.path("expires_in").asLong(60));
        // renew a little early so a token never expires between being chosen and being used
        Token t = new Token(value, Instant.now().plusSeconds(seconds - 10));
        tokens.put(key(scopes), t);
        return t;
    }

    private static String key(List<String> scopes) {
        return String.join(" ", new TreeSet<>(scopes));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
