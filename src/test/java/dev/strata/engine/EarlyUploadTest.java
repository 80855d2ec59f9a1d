package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * With {@code --push}, a layer starts uploading as soon as its step has written it: a later RUN of
 * the same build sees the image's repository appear in the registry's catalog (the registry makes a
 * repository on its first blob upload) while it is still running. Without early uploads that
 * repository would only exist after the last step, and the RUN would fail waiting for it.
 */
class EarlyUploadTest extends RegistryScenario {
    @Test
    void aLayerIsUploadedWhileLaterStepsRun() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("early"));
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM %1$s/base:1
                RUN head -c 4194304 /dev/urandom > /blob
                RUN for i in $(seq 200); do wget -q -O- http://%1$s/v2/_catalog | grep -q early/app && exit 0; \\
                      sleep 0.2; done; echo "no upload during the build" >&2; exit 1
                """.formatted(host));
        Job j = job("early", ctx, "-t", host + "/early/app:1", "--push");
        assertThat(j.run().out()).contains("pushed " + host + "/early/app:1@");
        // and the push is whole: every layer of the image is in the repository
        Reference ref = Reference.parse(host + "/early/app:1");
        assertThat(client.manifest(ref).asManifest().layers())
                .allSatisfy(l -> assertThat(client.hasBlob(ref, l.digest())).isTrue());
    }
}
