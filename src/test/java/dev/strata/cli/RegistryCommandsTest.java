package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.registry.FakeRegistry;
import dev.strata.registry.RegistryFixture;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** login, push, pull, copy and logout as real processes against a registry with Basic auth. */
class RegistryCommandsTest {
    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {}

    Result strata(Path home, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("REGISTRY_AUTH_FILE", tmp.resolve("auth/auth.json").toString());
        pb.environment().remove("DOCKER_CONFIG");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err);
    }

    static Descriptor storeImage(Store s, String name, String fullRef, long seed) {
        byte[] layer = new byte[30_000];
        new Random(seed).nextBytes(layer);
        Descriptor l = s.putBlob(MediaType.OCI_LAYER, layer);
        String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + l.digest() + "\"]}}";
        Descriptor c = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, c, List.of(l), Map.of());
        Descriptor md = s.putBlob(MediaType.OCI_MANIFEST, m.bytes());
        s.tag(name, fullRef, md);
        return md;
    }

    @Test
    void loginPushPullCopyLogout() throws Exception {
        try (RegistryFixture reg = RegistryFixture.basicAuth("dave", "pa55word")) {
            String host = reg.host();
            Path storeA = tmp.resolve("a");
            Path storeB = tmp.resolve("b");
            Descriptor pushed = storeImage(Store.open(storeA), host + "/team/app:1", host + "/team/app:1", 1);

            Result noLogin = strata(storeA, "", "push", host + "/team/app:1");
            assertThat(noLogin.exit()).as(noLogin.err()).isEqualTo(3);
            assertThat(noLogin.err()).contains("strata login " + host).doesNotContain("Exception");

            Result bad = strata(storeA, "wrong-one\n", "login", "-u", "dave", "--password-stdin", host);
            assertThat(bad.exit()).isEqualTo(3);
            assertThat(bad.err()).contains(host).doesNotContain("wrong-one");
            assertThat(tmp.resolve("auth/auth.json")).doesNotExist();

            Result good = strata(storeA, "pa55word\n", "login", "-u", "dave", "--password-stdin", host);
            assertThat(good.exit()).as(good.err()).isZero();
            assertThat(good.out()).contains("Login Succeeded").doesNotContain("pa55word");
            assertThat(Files.getPosixFilePermissions(tmp.resolve("auth/auth.json")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            Result push = strata(storeA, "", "push", host + "/team/app:1");
            assertThat(push.exit()).as(push.err()).isZero();
            assertThat(push.out())
                    .contains("Pushed " + host + "/team/app:1")
                    .contains(pushed.digest().toString());

            Result pull = strata(storeB, "", "pull", host + "/team/app:1");
            assertThat(pull.exit()).as(pull.err()).isZero();
            Store b = Store.open(storeB);
            Descriptor got = b.resolve(host + "/team/app:1").orElseThrow();
            assertThat(got.digest()).isEqualTo(pushed.digest());
            Manifest m = Manifest.parse(b.readBlob(got.digest()), got.mediaType());
            for (Digest d : List.of(m.config().digest(), m.layers().get(0).digest())) {
                assertThat(b.readBlob(d)).isEqualTo(Store.open(storeA).readBlob(d));
            }
            try (var leftovers = Files.list(storeB.resolve("tmp"))) {
                assertThat(leftovers).isEmpty();
            }

            // a sibling repository pushed from store B mounts the layer instead of uploading it
            Result retag = strata(storeB, "", "push", host + "/team/app:1", host + "/team/other:1");
            assertThat(retag.exit()).as(retag.err()).isZero();

            Result missing = strata(storeB, "", "pull", host + "/team/app:nope");
            assertThat(missing.exit()).isEqualTo(3);
            assertThat(missing.err()).contains(host + "/team/app:nope").contains("not found");

            Result copy = strata(storeB, "", "copy", host + "/team/app:1", host + "/copies/app:1");
            assertThat(copy.exit()).as(copy.err()).isZero();
            assertThat(reg.accessLog())
                    .contains("POST /v2/copies/app/blobs/uploads/?mount="
                            + m.layers().get(0).digest().toString().replace(":", "%3A") + "&from=team%2Fapp 201");
            assertThat(reg.accessLog())
                    .noneMatch(l -> l.startsWith("PATCH ") || l.startsWith("PUT /v2/copies/app/blobs"));

            Result logout = strata(storeB, "", "logout", host);
            assertThat(logout.exit()).isZero();
            assertThat(logout.out()).contains("Removed login credentials for " + host);
            Result after = strata(tmp.resolve("c"), "", "pull", host + "/copies/app:1");
            assertThat(after.exit()).isEqualTo(3);
            assertThat(after.err()).contains("requires authentication").contains("strata login " + host);
        }
    }

    @Test
    void pullFromALyingRegistryLeavesNothingInTheStore() throws Exception {
        byte[] layer = "the real layer".getBytes(StandardCharsets.UTF_8);
        Descriptor l = new Descriptor(MediaType.OCI_LAYER, Digest.sha256(layer), layer.length);
        byte[] cfg = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                        + l.digest() + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor c = new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(cfg), cfg.length);
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, c, List.of(l), Map.of());
        try (FakeRegistry fake = new FakeRegistry()) {
            fake.on("GET", "/v2/liar/manifests/1", (ex, n) -> {
                ex.getResponseHeaders().set("Content-Type", MediaType.OCI_MANIFEST);
                FakeRegistry.send(ex, 200, m.bytes());
            });
            fake.on("GET", "/v2/liar/blobs/" + c.digest(), (ex, n) -> FakeRegistry.send(ex, 200, cfg));
            byte[] lie = "the fake layer".getBytes(StandardCharsets.UTF_8);
            fake.on("GET", "/v2/liar/blobs/" + l.digest(), (ex, n) -> FakeRegistry.send(ex, 200, lie));
            Path home = tmp.resolve("liar-store");
            Result r = strata(home, "", "pull", fake.host() + "/liar:1");
            assertThat(r.exit()).as(r.err()).isEqualTo(3);
            assertThat(r.err())
                    .contains(l.digest().toString())
                    .contains("does not match its digest")
                    .contains(fake.host())
                    .doesNotContain("Exception");
            Store s = Store.open(home);
            assertThat(s.tags()).isEmpty();
            assertThat(s.hasBlob(l.digest())).isFalse();
            assertThat(s.hasBlob(m.digest())).isFalse();
            try (var leftovers = Files.list(home.resolve("tmp"))) {
                assertThat(leftovers).isEmpty();
            }
        }
    }
}
