package dev.strata.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    void normalisesSpellingsOfOnePlatform() {
        assertThat(Platform.parse("linux/x86_64")).isEqualTo(Platform.parse("linux/amd64"));
        assertThat(Platform.parse("linux/aarch64")).isEqualTo(Platform.parse("linux/arm64/v8"));
        assertThat(Platform.parse("linux/arm64").toString()).isEqualTo("linux/arm64");
        assertThat(Platform.parse("linux/arm").toString()).isEqualTo("linux/arm/v7");
        assertThat(Platform.parse("Linux/AMD64").toString()).isEqualTo("linux/amd64");
    }

    @Test
    void matchesOnlyTheSamePlatform() {
        assertThat(Platform.parse("linux/arm/v7").matches(Platform.parse("linux/arm")))
                .isTrue();
        assertThat(Platform.parse("linux/arm/v6").matches(Platform.parse("linux/arm")))
                .isFalse();
        assertThat(Platform.parse("windows/amd64").matches(Platform.parse("linux/amd64")))
                .isFalse();
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("OS/ARCH");
        assertThatThrownBy(() -> Platform.parse("linux/amd64/v1/x")).hasMessageContaining("OS/ARCH");
    }

    @Test
    void hostIsLinux() {
        assertThat(Platform.host().os()).isEqualTo("linux");
        assertThat(Platform.host().architecture()).isIn("amd64", "arm64");
    }
}
