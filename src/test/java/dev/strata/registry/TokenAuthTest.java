package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bearer token protocol against a scripted registry and token service on 127.0.0.1. */
class TokenAuthTest {
    static final Digest D = Digest.sha256(new byte[] {1});

    @TempDir
    Path tmp;

    FakeRegistry fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        // every registry route demands "Bearer tok-<scope set>" and challenges otherwise
        for (String repo : new String[] {"a", "b"}) {
            fake.on("HEAD", "/v2/" + repo + "/blobs/" + D, (ex, n) -> guarded(ex, "repository:" + repo + ":pull"));
        }
        fake.on("POST", "/v2/b/blobs/uploads/", (ex, n) -> {
            if (guardedOk(ex, "repository:a:pull repository:b:pull,push")) {
                FakeRegistry.send(ex, 201, new byte[0]);
            }
        });
        fake.on("GET", "/token", (ex, n) -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String basic = ex.getRequestHeaders().getFirst("Authorization");
            String expected =
                    "Basic " + Base64.getEncoder().encodeToString("carol:pw".getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(basic)) {
                FakeRegistry.send(ex, 401, "{\"details\":\"bad creds\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String scopes = String.join(" ", scopes(ex.getRequestURI().getRawQuery()));
            // the access_token alias, not "token"
            FakeRegistry.send(
                    ex,
                    200,
                    ("{\"access_token\":\"tok-" + scopes.replace(' ', '+') + "\",\"expires_in\":300,\"service\":\""
                                    + q.get("service") + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
        });
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    void guarded(HttpExchange ex, String scope) throws IOException {
        if (guardedOk(ex, scope)) {
            FakeRegistry.send(ex, 200, new byte[0]);
        }
    }

    boolean guardedOk(HttpExchange ex, String scopes) throws IOException {
        String want = "Bearer tok-" + scopes.replace(' ', '+');
        if (want.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        ex.getResponseHeaders()
                .set(
                        "WWW-Authenticate",
                        "Bearer realm=\"http://" + fake.host() + "/token\",service=\"fake-registry\",scope=\""
                                + scopes.split(" ")[scopes.split(" ").length - 1] + "\"");
        FakeRegistry.send(ex, 401, new byte[0]);
        return false;
    }

    static List<String> scopes(String rawQuery) {
        return Arrays.stream(rawQuery.split("&"))
                .filter(p -> p.startsWith("scope="))
                .map(p -> URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8))
                .sorted()
                .toList();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                out.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    RegistryClient client(Optional<Credential> cred) {
        Path auth = tmp.resolve("auth.json");
        RegistryOptions o = RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("none"))
                .withRetries(2, Duration.ofMillis(5))
                .withAuthFile(Optional.of(auth));
        cred.ifPresent(c -> new CredentialStore(o).store(fake.host(), c));
        return RegistryClient.create(o);
    }

    Reference ref(String repo) {
        return Reference.parse(fake.host() + "/" + repo + ":t");
    }

    @Test
    void tokenIsFetchedWithScopeAndServiceThenCachedPerScope() {
        RegistryClient c = client(Optional.of(new Credential("carol", "pw")));
        assertThat(c.hasBlob(ref("a"), D)).isTrue();
        assertThat(c.hasBlob(ref("a"), D)).isTrue();
        assertThat(c.hasBlob(ref("b"), D)).isTrue();
        var tokenCalls = fake.requests("GET", "/token");
        assertThat(tokenCalls).hasSize(2);
        assertThat(query(tokenCalls.get(0).query()))
                .containsEntry("service", "fake-registry")
                .containsEntry("scope", "repository:a:pull")
                .containsEntry("account", "carol");
        // challenged once, retried with the token, then the second HEAD went straight through
        var heads = fake.requests("HEAD", "/v2/a/blobs/" + D);
        assertThat(heads).hasSize(3);
        assertThat(heads.get(0).header("Authorization")).isNull();
        assertThat(heads.get(2).header("Authorization")).isEqualTo("Bearer tok-repository:a:pull");
        // repo b's token was asked for up front (the scheme is known), without repo a's scope
        assertThat(fake.requests("HEAD", "/v2/b/blobs/" + D)).hasSize(1);
    }

    @Test
    void mountAsksForPushOnTheTargetAndPullOnTheSource() {
        RegistryClient c = client(Optional.of(new Credential("carol", "pw")));
        new BlobUploader(c.transport(fake.host()), 1 << 20)
                .mountOrUpload(ref("b"), ref("a"), new Descriptor("x", D, 1), () -> {
                    throw new IOException("must not upload");
                });
        assertThat(fake.requests("GET", "/token"))
                .last()
                .satisfies(r ->
                        assertThat(scopes(r.query())).containsExactly("repository:a:pull", "repository:b:pull,push"));
        assertThat(fake.requests("POST", "/v2/b/blobs/uploads/"))
                .last()
                .satisfies(r -> assertThat(r.query())
                        .contains("mount=" + D.toString().replace(":", "%3A"))
                        .contains("from=a"));
    }

    @Test
    void identityTokenIsSpentByTheRefreshTokenPost() throws IOException {
        fake.on(
                "POST",
                "/token",
                (ex, n) -> FakeRegistry.send(
                        ex,
                        200,
                        "{\"token\":\"tok-repository:a:pull\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8)));
        RegistryClient c = client(Optional.of(new Credential(Credential.TOKEN_USER, "idtoken-xyz")));
        assertThat(c.hasBlob(ref("a"), D)).isTrue();
        assertThat(fake.requests("POST", "/token")).hasSize(1);
        assertThat(fake.requests("GET", "/token")).isEmpty();
        var post = fake.requests("POST", "/token").get(0);
        assertThat(post.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(query(post.body()))
                .containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "idtoken-xyz")
                .containsEntry("service", "fake-registry")
                .containsEntry("scope", "repository:a:pull");
        assertThat(post.header("Authorization")).isNull();
    }

    @Test
    void badCredentialsAtTheTokenServiceSayHowToLogIn() {
        RegistryClient c = client(Optional.of(new Credential("carol", "not-the-pw")));
        assertThatThrownBy(() -> c.hasBlob(ref("a"), D))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("token service refused the saved credentials")
                .hasMessageContaining("strata login " + fake.host())
                .hasMessageNotContaining("not-the-pw");
        fake.on("GET", "/v2/", (ex, n) -> guarded(ex, "registry:catalog:*"));
        assertThatThrownBy(() -> c.verifyLogin(fake.host(), new Credential("carol", "not-the-pw")))
                .isInstanceOf(StrataException.class)
                .hasMessage("login to " + fake.host() + " failed: its token service refused the user name or password");
        c.verifyLogin(fake.host(), new Credential("carol", "pw"));
    }

    @Test
    void challengeParsingHandlesQuotesCommasAndSeveralSchemes() {
        var all = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"reg, the \\\"one\\\"\","
                + "scope=\"repository:a/b:pull,push\", Basic realm=\"x\"");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).scheme()).isEqualTo("bearer");
        assertThat(all.get(0).param("realm")).contains("https://auth.example/token");
        assertThat(all.get(0).param("service")).contains("reg, the \"one\"");
        assertThat(all.get(0).param("scope")).contains("repository:a/b:pull,push");
        assertThat(all.get(1).scheme()).isEqualTo("basic");
        assertThat(all.get(1).param("realm")).contains("x");
        assertThat(Challenge.parse("Basic"))
                .singleElement()
                .satisfies(ch -> assertThat(ch.params()).isEmpty());
    }
}
