package dev.strata.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void sha256OfKnownInput() {
        assertThat(Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parsesAndPrintsRoundTrip() {
        String s = "sha512:" + "0f".repeat(64);
        assertThat(Digest.parse(s).toString()).isEqualTo(s);
        assertThat(Digest.parse(s).newHasher().getAlgorithm()).isEqualTo("SHA-512");
    }

    @Test
    void rejectsWhatCannotBeVerified() {
        assertThatThrownBy(() -> Digest.parse("sha256:ABC"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).isInstanceOf(StrataException.class);
        assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32)))
                .hasMessageContaining("unsupported digest algorithm");
        assertThatThrownBy(() -> Digest.parse("nocolon")).hasMessageContaining("ALGORITHM:HEX");
    }

    @Test
    void shortHexIsTwelveCharacters() {
        assertThat(Digest.sha256(new byte[0]).shortHex()).isEqualTo("e3b0c44298fc");
    }
}
