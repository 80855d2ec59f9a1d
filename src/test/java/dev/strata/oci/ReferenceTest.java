package dev.strata.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
        "python:3.7-slim, docker.io/library/python:3.7-slim",
        "python, docker.io/library/python:latest",
        "library/python, docker.io/library/python:latest",
        "docker.io/python, docker.io/library/python:latest",
        "index.docker.io/library/python:3, docker.io/library/python:3",
        "bitnami/redis:7, docker.io/bitnami/redis:7",
        "localhost/app, localhost/app:latest",
        "localhost:5000/a/b:v1, localhost:5000/a/b:v1",
        "127.0.0.1:5000/team/app, 127.0.0.1:5000/team/app:latest",
        "ghcr.io/org/sub/app:1.0-rc.1, ghcr.io/org/sub/app:1.0-rc.1",
        "Registry.Example.com/app, Registry.Example.com/app:latest",
        "[::1]:5000/app:x, [::1]:5000/app:x",
        "my_app__x-y/a.b---c, docker.io/my_app__x-y/a.b---c:latest",
    })
    void normalisesLikeDocker(String input, String expected) {
        assertThat(Reference.parse(input).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "python:3.7-slim, python:3.7-slim",
        "docker.io/bitnami/redis, bitnami/redis:latest",
        "quay.io/a/b:1, quay.io/a/b:1",
    })
    void familiarFormIsWhatDockerPrints(String input, String expected) {
        assertThat(Reference.parse(input).familiar()).isEqualTo(expected);
    }

    @Test
    void digestReferencesKeepTagAndDigest() {
        Reference r = Reference.parse("host:5000/a/b:t@sha256:" + HEX);
        assertThat(r.registry()).isEqualTo("host:5000");
        assertThat(r.repository()).isEqualTo("a/b");
        assertThat(r.tag()).contains("t");
        assertThat(r.digest()).contains(Digest.parse("sha256:" + HEX));
        assertThat(r.identifier()).isEqualTo("sha256:" + HEX);

        Reference d = Reference.parse("busybox@sha256:" + HEX);
        assertThat(d.tag()).isEmpty();
        assertThat(d.toString()).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Python",
                "app:",
                "app:-bad",
                "a//b",
                "/app",
                "app/",
                "host:5000/App",
                "app@sha256:short",
                "app@md5:" + "0123456789abcdef0123456789abcdef",
                "a..b",
                "-app",
                "app:tag:tag",
                "exa_mple.com:port/app"
            })
    void rejectsMalformedReferencesWithAReason(String input) {
        assertThatThrownBy(() -> Reference.parse(input))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("reference")
                .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT));
    }

    @Test
    void uppercaseRepositorySaysItMustBeLowercase() {
        assertThatThrownBy(() -> Reference.parse("docker.io/MyApp")).hasMessageContaining("must be lowercase");
    }

    @Test
    void tooLongNameIsRefused() {
        assertThatThrownBy(() -> Reference.parse("a".repeat(256))).hasMessageContaining("longer than 255");
    }

    @Test
    void asTaggedDropsTheDigestOnlyWhenATagNamesTheImage() {
        assertThat(Reference.parse("host:5000/a:1@sha256:" + HEX).asTagged()).hasToString("host:5000/a:1");
        assertThat(Reference.parse("host:5000/a@sha256:" + HEX).asTagged()).hasToString("host:5000/a@sha256:" + HEX);
        assertThat(Reference.parse("python").asTagged().familiar()).isEqualTo("python:latest");
    }
}
