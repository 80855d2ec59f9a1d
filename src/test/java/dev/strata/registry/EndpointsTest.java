package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which registries get plain HTTP, Docker Hub's API host, and the clients made for them. */
class EndpointsTest {
    @TempDir
    Path tmp;

    @Test
    void loopbackAndInsecureAreHttpUnlessACaDirectoryExists() throws Exception {
        RegistryOptions o = RegistryOptions.fromEnvironment(Map.of(), tmp)
                .withCertsDir(tmp.resolve("certs.d"))
                .withInsecureRegistries(Set.of("lab.example:5000"));
        assertThat(Endpoints.base(o, "localhost:5000")).hasToString("http://localhost:5000/");
        assertThat(Endpoints.base(o, "127.0.0.1:5000")).hasToString("http://127.0.0.1:5000/");
        assertThat(Endpoints.base(o, "[::1]:5000")).hasToString("http://[::1]:5000/");
        assertThat(Endpoints.base(o, "lab.example:5000")).hasToString("http://lab.example:5000/");
        assertThat(Endpoints.base(o, "lab.example")).hasToString("https://lab.example/");
        assertThat(Endpoints.base(o, "localhost.example.com")).hasToString("https://localhost.example.com/");
        assertThat(Endpoints.base(o, "docker.io")).hasToString("https://registry-1.docker.io/");
        Files.createDirectories(tmp.resolve("certs.d/localhost:5000"));
        assertThat(Endpoints.base(o, "localhost:5000")).hasToString("https://localhost:5000/");
    }

    @Test
    void aPlainHttpClientStillSpeaksVerifiedTlsWhenSentToHttpsStorage() throws Exception {
        // a plain-HTTP registry may redirect blobs to HTTPS storage: the client's lazily made default
        // TLS context must then do a real, verifying handshake (the test CA is not trusted by default)
        try (RegistryFixture tls = RegistryFixture.tls()) {
            RegistryOptions o = RegistryOptions.fromEnvironment(Map.of(), tmp).withCertsDir(tmp.resolve("certs.d"));
            var client = Endpoints.client(o, "127.0.0.1:1");
            assertThat(client.sslContext()).isInstanceOf(LazySslContext.class);
            HttpRequest get = HttpRequest.newBuilder(URI.create("https://" + tls.host() + "/v2/"))
                    .build();
            assertThatThrownBy(() -> client.send(get, HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("PKIX");
        }
    }
}
