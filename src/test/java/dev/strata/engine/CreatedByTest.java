package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Healthcheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go's renderings that BuildKit's created_by texts use. */
class CreatedByTest {
    @Test
    void durationsLikeGo() {
        assertThat(CreatedBy.goDuration(0)).isEqualTo("0s");
        assertThat(CreatedBy.goDuration(500_000_000L)).isEqualTo("500ms");
        assertThat(CreatedBy.goDuration(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(CreatedBy.goDuration(90_000_000_000L)).isEqualTo("1m30s");
        assertThat(CreatedBy.goDuration(3_600_000_000_000L)).isEqualTo("1h0m0s");
        assertThat(CreatedBy.goDuration(2_500L)).isEqualTo("2.5µs");
    }

    @Test
    void retriesAsAGoRune() {
        assertThat(CreatedBy.goRune(0)).isEqualTo("'\\x00'");
        assertThat(CreatedBy.goRune(3)).isEqualTo("'\\x03'");
        assertThat(CreatedBy.goRune(10)).isEqualTo("'\\n'");
        assertThat(CreatedBy.goRune(65)).isEqualTo("'A'");
    }

    @Test
    void healthcheckLikeDockerHistory() {
        Healthcheck h = new Healthcheck(
                List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1"), 30_000_000_000L, 3_000_000_000L, 0, 0, 3);
        assertThat(CreatedBy.healthcheck(h))
                .isEqualTo(
                        "&{[\"CMD-SHELL\" \"curl -f http://localhost/ || exit 1\"] \"30s\" \"3s\" \"0s\" \"0s\" '\\x03'}");
    }
}
