package dev.strata.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
    @Test
    void roundTripsEveryField() {
        ContainerConfig cc = new ContainerConfig(
                "app",
                List.of("PATH=/bin", "A=1"),
                Optional.of(List.of("/entry")),
                Optional.of(List.of()),
                "/srv",
                Map.of("k", "v"),
                new TreeSet<>(List.of("80/tcp")),
                new TreeSet<>(List.of("/data")),
                "SIGTERM",
                Optional.of(new Healthcheck(List.of("CMD-SHELL", "true"), 30_000_000_000L, 0, 0, 0, 3)),
                List.of("/bin/sh", "-c"),
                List.of("RUN echo hi"),
                false);
        ImageConfig config = ImageConfig.scratch(Platform.parse("linux/amd64"))
                .withConfig(cc)
                .withLayer(Digest.sha256(new byte[] {1}), History.of("COPY x /x", false))
                .withHistory(History.of("ENV A=1", true))
                .withCreated(Optional.of("1970-01-01T00:00:00Z"));
        byte[] bytes = config.toBytes();
        ImageConfig back = ImageConfig.parse(bytes);
        assertThat(back).isEqualTo(config);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back.config().envValue("A")).contains("1");
        assertThat(back.config().cmd()).contains(List.of());
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"empty_layer\":true")
                .contains("\"ExposedPorts\":{\"80/tcp\":{}}");
    }

    @Test
    void unsetCmdStaysUnset() {
        ImageConfig c = ImageConfig.parse(ImageConfig.scratch(Platform.host()).toBytes());
        assertThat(c.config().cmd()).isEmpty();
        assertThat(c.config().entrypoint()).isEmpty();
        assertThat(c.diffIds()).isEmpty();
    }
}
