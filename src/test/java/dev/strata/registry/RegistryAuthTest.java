package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth and TLS against real docker-registry instances. */
class RegistryAuthTest {
    static final Platform AMD64 = Platform.parse("linux/amd64");

    @TempDir
    Path tmp;

    RegistryOptions options() {
        return RegistryOptions.fromEnvironment(Map.of(), tmp.resolve("home"))
                .withCertsDir(tmp.resolve("no-certs"))
                .withRetries(2, Duration.ofMillis(10));
    }

    @Test
    void basicAuthWithGoodBadAndMissingCredentials() {
        try (RegistryFixture reg = RegistryFixture.basicAuth("alice", "s3cret-pw")) {
            Reference ref = Reference.parse(reg.host() + "/private/app:1");
            TestImages.MemImage img = TestImages.random(11, AMD64, 500);
            Path authFile = tmp.resolve("auth.json");
            RegistryOptions good = options().withAuthFile(Optional.of(authFile));
            new CredentialStore(good).store(reg.host(), new Credential("alice", "s3cret-pw"));
            RegistryClient ok = RegistryClient.create(good);
            ok.verifyLogin(reg.host(), new Credential("alice", "s3cret-pw"));
            ok.push(img, ref);
            assertThat(ok.image(ref, AMD64).manifest()).isEqualTo(img.manifest());

            assertThatThrownBy(() -> ok.verifyLogin(reg.host(), new Credential("alice", "wrong-pw")))
                    .isInstanceOfSatisfying(
                            StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                    .hasMessageContaining(reg.host())
                    .hasMessageNotContaining("wrong-pw");

            Path badFile = tmp.resolve("bad.json");
            RegistryOptions bad = options().withAuthFile(Optional.of(badFile));
            new CredentialStore(bad).store(reg.host(), new Credential("alice", "wrong-pw"));
            assertThatThrownBy(() -> RegistryClient.create(bad).image(ref, AMD64))
                    .isInstanceOfSatisfying(
                            StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                    .hasMessageContaining("refused the saved credentials")
                    .hasMessageContaining("strata login " + reg.host())
                    .hasMessageNotContaining("wrong-pw");

            assertThatThrownBy(() -> RegistryClient.create(options()).push(img, ref))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("requires authentication")
                    .hasMessageContaining("strata login " + reg.host());
        }
    }

    @Test
    void tlsWithTheGeneratedCaAndRefusalWithout() throws Exception {
        try (RegistryFixture reg = RegistryFixture.tls()) {
            Reference ref = Reference.parse(reg.host() + "/secure/app:1");
            TestImages.MemImage img = TestImages.random(12, AMD64, 800, 900);
            RegistryClient withCa = RegistryClient.create(options().withCertsDir(reg.certsDir()));
            withCa.push(img, ref);
            RemoteImage back = withCa.image(ref, AMD64);
            assertThat(back.manifest()).isEqualTo(img.manifest());
            assertThat(TestImages.readAll(back.layers().get(1).open()))
                    .isEqualTo(img.blob(back.layers().get(1).descriptor().digest()));
            assertThat(reg.accessLog()).anyMatch(l -> l.startsWith("PUT /v2/secure/app/manifests/1 201"));
            // over TLS the registry offers HTTP/2 and the client takes it
            assertThat(reg.rawLog()).contains("\"PUT /v2/secure/app/manifests/1 HTTP/2.0\" 201");

            // the same host with an empty CA directory: TLS is used, and the unknown CA is refused
            Path emptyCerts = tmp.resolve("certs-empty");
            Files.createDirectories(emptyCerts.resolve(reg.host()));
            assertThatThrownBy(() -> RegistryClient.create(options().withCertsDir(emptyCerts))
                            .head(ref))
                    .isInstanceOfSatisfying(
                            StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                    .hasMessageContaining("cannot reach " + reg.host());
        }
    }
}
