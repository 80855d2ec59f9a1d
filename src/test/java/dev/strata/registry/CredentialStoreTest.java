package dev.strata.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
        Files.writeString(
                dir.resolve("config.json"),
                "{\"auths\":{"
                        + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpw") + "\"},"
                        + "\"https://reg.example:5000\":{\"auth\":\"" + b64("u:p:with:colons") + "\"},"
                        + "\"ghcr.io\":{\"identitytoken\":\"refresh-abc\"}}}");
        CredentialStore cs = new CredentialStore(options(Map.of()));
        assertThat(cs.lookup("docker.io")).contains(new Credential("hubuser", "hubpw"));
        assertThat(cs.lookup("reg.example:5000")).contains(new Credential("u", "p:with:colons"));
        assertThat(cs.lookup("ghcr.io"))
                .hasValueSatisfying(c -> assertThat(c.isIdentityToken()).isTrue());
        assertThat(cs.lookup("other.example")).isEmpty();
        assertThat(new Credential("u", "hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void dockerConfigAndRegistryAuthFileComeFromTheEnvironment() throws Exception {
        Path dc = tmp.resolve("dc");
        Files.createDirectories(dc);
        Files.writeString(
                dc.resolve("config.json"),
                "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:docker-config") + "\"}}}");
        Path af = tmp.resolve("auth.json");
        Files.writeString(
                af,
                "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:auth-file") + "\"},"
                        + "\"b.example\":{\"auth\":\"\"}}}");
        Files.writeString(
                dc.resolve("config.json"),
                "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("from:docker-config") + "\"},"
                        + "\"b.example\":{\"auth\":\"" + b64("b:docker-config") + "\"}}}");
        CredentialStore cs = new CredentialStore(
                options(Map.of("DOCKER_CONFIG", dc.toString(), "REGISTRY_AUTH_FILE", af.toString())));
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
            Files.writeString(
                    helper,
                    "#!/bin/sh\nread server\necho \"$1 $server\" >> " + log + "\n"
                            + "case \"$server\" in\n  *missing*) echo 'credentials not found in native keychain'; exit 1;;\n"
                            + "  *broken*) echo 'secret-in-helper-output' >&2; exit 3;;\nesac\n"
                            + "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"" + name
                            + "\",\"Secret\":\"s-'$server'\"}'\n");
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        }
        Path dir = tmp.resolve("home/.docker");
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("config.json"),
                "{\"credsStore\":\"store-all\",\"credHelpers\":{\"special.example\":\"per-host\"}}");
        CredentialStore cs = new CredentialStore(options(Map.of()));
        assertThat(cs.lookup("special.example")).contains(new Credential("per-host", "s-special.example"));
        assertThat(cs.lookup("docker.io")).contains(new Credential("store-all", "s-https://index.docker.io/v1/"));
        assertThat(cs.lookup("missing.example")).isEmpty();
        assertThatThrownBy(() -> cs.lookup("broken.example"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("docker-credential-store-all get failed for broken.example")
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

    /** A docker-credential-test that keeps one credential in a file, as a keychain would. */
    Path fakeKeychainHelper() throws Exception {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path kept = tmp.resolve("keychain.json");
        Path log = tmp.resolve("helper.log");
        Path helper = bin.resolve("docker-credential-test");
        Files.writeString(
                helper,
                "#!/bin/sh\ncase \"$1\" in\n"
                        + "  store) input=$(cat); case \"$input\" in *refuse*) echo \"$input\" >&2; exit 1;; esac;"
                        + " printf '%s' \"$input\" > " + kept + "; echo store >> " + log + ";;\n"
                        + "  get) read server; [ -f " + kept + " ] && grep -q \"\\\"$server\\\"\" " + kept
                        + " && cat " + kept + " && exit 0; echo 'credentials not found in native keychain'; exit 1;;\n"
                        + "  erase) read server; echo \"erase $server\" >> " + log + "; [ -f " + kept + " ] || {"
                        + " echo 'credentials not found in native keychain'; exit 1; }; rm " + kept + ";;\n"
                        + "esac\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        return kept;
    }

    @Test
    void loginAndLogoutGoThroughTheConfiguredCredentialHelper() throws Exception {
        Path kept = fakeKeychainHelper();
        Path dir = tmp.resolve("home/.docker");
        Files.createDirectories(dir);
        Path config = dir.resolve("config.json");
        Files.writeString(
                config,
                "{\"credsStore\":\"test\",\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("old:stale") + "\"}}}");
        CredentialStore cs = new CredentialStore(options(Map.of()));
        assertThat(cs.store("127.0.0.1:5000", new Credential("alice", "s3cret-pw")))
                .isEqualTo("docker-credential-test");
        assertThat(Files.readString(kept))
                .contains("\"ServerURL\":\"127.0.0.1:5000\"")
                .contains("\"Username\":\"alice\"")
                .contains("\"Secret\":\"s3cret-pw\"");
        // the file keeps the helper and an empty entry; no secret, old or new, stays in it
        String text = Files.readString(config);
        assertThat(text)
                .contains("\"credsStore\":\"test\"")
                .contains("\"127.0.0.1:5000\":{}")
                .doesNotContain("s3cret")
                .doesNotContain(b64("alice:s3cret-pw"))
                .doesNotContain(b64("old:stale"));
        assertThat(cs.lookup("127.0.0.1:5000")).contains(new Credential("alice", "s3cret-pw"));

        assertThat(cs.erase("127.0.0.1:5000")).isTrue();
        assertThat(kept).doesNotExist();
        assertThat(Files.readString(config)).doesNotContain("127.0.0.1:5000");
        assertThat(cs.lookup("127.0.0.1:5000")).isEmpty();
        assertThat(cs.erase("127.0.0.1:5000")).isFalse();
        assertThat(Files.readAllLines(tmp.resolve("helper.log")))
                .containsExactly("store", "erase 127.0.0.1:5000", "erase 127.0.0.1:5000");
    }

    @Test
    void aPerRegistryHelperWinsAndAFailingStoreLeavesTheFileAndHidesTheSecret() throws Exception {
        Path kept = fakeKeychainHelper();
        Path file = tmp.resolve("auth.json");
        String before = "{\"credsStore\":\"not-installed\",\"credHelpers\":{\"reg.example\":\"test\"}}";
        Files.writeString(file, before);
        CredentialStore cs = new CredentialStore(options(Map.of()).withAuthFile(Optional.of(file)));
        cs.store("https://reg.example/v2/", new Credential("bob", "pw-1"));
        assertThat(Files.readString(kept)).contains("\"ServerURL\":\"reg.example\"");
        // the helper fails and echoes its input (with the secret) to stderr: exit 3, secret not shown
        assertThatThrownBy(() -> cs.store("reg.example", new Credential("bob", "refuse-this-secret")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY))
                .hasMessageContaining("docker-credential-test store failed for reg.example")
                .hasMessageNotContaining("refuse-this-secret");
        assertThat(Files.readString(file)).doesNotContain("refuse").doesNotContain("pw-1");
        assertThat(cs.lookup("reg.example")).contains(new Credential("bob", "pw-1"));
        // other registries go to credsStore, which is not installed: a clear environment error
        assertThatThrownBy(() -> cs.store("other.example", new Credential("c", "d")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("docker-credential-not-installed")
                .hasMessageContaining("not on PATH");
    }

    @Test
    void retryAfterAcceptsSecondsAndDates() {
        assertThat(Transport.parseRetryAfter("3")).contains(Duration.ofSeconds(3));
        assertThat(Transport.parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT")).contains(Duration.ZERO);
        assertThat(Transport.parseRetryAfter("soon")).isEmpty();
    }
}
