package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker's config.json credential formats, helpers as real programs, and the login file's mode. */
class CredentialStoreTest {
    @TempDir
    Path tmp;

    RegistryOptions options(Map<String, String> env) {
        return RegistryOptions.fromEnvironment(env, tmp.resolve("home")).withHelperPath(List.of(tmp.resolve("bin")));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authsAreFoundUnderAnyOfDockersKeyForms() throws Exception {
        Path dir = tmp.resolve("home/.docker");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpw") + "\"},"
                + "\"https://reg.example:5000\":{\"auth\":\"" + b64("u:p:with:colons") + "\"},"
                + "\"ghcr.io\":{\"identitytoken\":\"refresh-abc\"}}}");
        CredentialStore cs = new CredentialStore(options(Map.of()));
        assertThat(cs.lookup("docker.io")).contains(new Credential("hubuser", "hubpw"));
        assertThat(cs.lookup("reg.example:5000")).contains(new Credential("u", "p:with:colons"));
        assertThat(cs.lookup("ghcr.io")).hasValueSatisfying(c -> assertThat(c.isIdentityToken()).isTrue());
        assertThat(cs.lookup("other.example")).isEmpty();
        assertThat(new Credential("u", "hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void dockerConfigAndRegistryAuthFileComeFromTheEnvironment() throws Exception {
        Path dc = tmp.resolve("dc");
        Files.createDirectories(dc);
        Files.writeString(dc.resolve("config.json"), "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:docker-config") + "\"}}}");
        Path af = tmp.resolve("auth.json");
        Files.writeString(af, "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:auth-file") + "\"},"
                + "\"b.example\":{\"auth\":\"\"}}}");
        Files.writeString(dc.resolve("config.json"), "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:docker-config") + "\"},"
                + "\"b.example\":{\"auth\":\"" + b64("b:docker-config") + "\"}}}");
        CredentialStore cs = new CredentialStore(options(Map.of("DOCKER_CONFIG", dc.toString(), "REGISTRY_AUTH_FILE", af.toString())));
        assertThat(cs.lookup("a.example")).contains(new Credential("from", "auth-file"));
        assertThat(cs.lookup("b.example")).contains(new Credential("b", "docker-config"));
        assertThat(cs.writeTarget()).isEqualTo(af);
        assertThat(new CredentialStore(options(Map.of("DOCKER_CONFIG", dc.toString()))).writeTarget())
                .isEqualTo(dc.resolve("config.json"));
    }

    @Test
    void credentialHelpersAreRunWithTheServerOnStdin() throws Exception {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path log = tmp.resolve("helper.log");
        for (String name : new String[] {"per-host", "store-all"}) {
            Path helper = bin.resolve("docker-credential-" + name);
            Files.writeString(helper, "#!/bin/sh\nread server\necho \"$1 $server\" >> " + log + "\n"
                    + "case \"$server\" in\n  *missing*) echo 'credentials not found in native keychain'; exit 1;;\n"
                    + "  *broken*) echo 'secret-in-helper-output' >&2; exit 3;;\nesac\n"
                    + "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"" + name + "\",\"Secret\":\"s-'$server'\"}'\n");
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        }
        Path dir = tmp.resolve("home/.docker");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"),
                "{\"credsStore\":\"store-all\",\"credHelpers\":{\"special.example\":\"per-host\"}}");
        CredentialStore cs = new CredentialStore(options(Map.of()));
        assertThat(cs.lookup("special.example")).contains(new Credential("per-host", "s-special.example"));
        assertThat(cs.lookup("docker.io")).contains(new Credential("store-all", "s-https://index.docker.io/v1/"));
        assertThat(cs.lookup("missing.example")).isEmpty();
        assertThatThrownBy(() -> cs.lookup("broken.example")).isInstanceOf(StrataException.class)
                .hasMessageContaining("docker-credential-store-all failed for broken.example")
                .hasMessageNotContaining("secret-in-helper-output");
        assertThat(Files.readAllLines(log)).contains("get special.example", "get https://index.docker.io/v1/");
    }

    @Test
    void storeWritesMode0600KeepsOtherFieldsAndEraseRemoves() throws Exception {
        Path file = tmp.resolve("cfg/auth.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"auths\":{\"keep.example\":{\"auth\":\"" + b64("k:v") + "\"}},\"psFormat\":\"x\"}");
        CredentialStore cs = new CredentialStore(options(Map.of()).withAuthFile(Optional.of(file)));
        cs.store("http://new.example:5000/v2/", new Credential("n", "pw"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String text = Files.readString(file);
        assertThat(text).contains("\"psFormat\":\"x\"").contains("keep.example").contains("\"new.example:5000\"");
        assertThat(cs.lookup("new.example:5000")).contains(new Credential("n", "pw"));
        cs.store("docker.io", new Credential("h", "q"));
        assertThat(Files.readString(file)).contains(CredentialStore.DOCKER_HUB_KEY);
        assertThat(cs.erase("new.example:5000")).isTrue();
        assertThat(cs.erase("new.example:5000")).isFalse();
        assertThat(cs.lookup("new.example:5000")).isEmpty();
        assertThat(cs.lookup("keep.example")).contains(new Credential("k", "v"));
        try (var files = Files.list(file.getParent())) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void retryAfterAcceptsSecondsAndDates() {
        assertThat(Transport.parseRetryAfter("3")).contains(java.time.Duration.ofSeconds(3));
        assertThat(Transport.parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT")).contains(java.time.Duration.ZERO);
        assertThat(Transport.parseRetryAfter("soon")).isEmpty();
    }
}
