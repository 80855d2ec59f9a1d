package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.OciJson;
import dev.strata.registry.RegistryFixture;
import dev.strata.store.Store;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What must hold after a push was interrupted, whatever the point: checked by the quick test and the soak. */
final class PushAftermath {
    private static final Pattern DIGEST = Pattern.compile("[?&]digest=([^& ]+)");

    private PushAftermath() {}

    static void check(RegistryFixture registry, Path home, String local, String repo, Descriptor image)
            throws Exception {
        RegistryCheck reg = new RegistryCheck(registry.host());
        awaitQuiet(registry);
        Optional<JsonNode> tagged = reg.manifest(repo, "1");
        if (tagged.isPresent()) {
            assertThat(reg.missingBlobs(repo, tagged.get()))
                    .as("blobs of the tagged manifest")
                    .isEmpty();
        }
        JsonNode manifest = OciJson.parse(Store.open(home).readBlob(image.digest()), "manifest");
        List<String> missing = reg.missingBlobs(repo, manifest);
        assertThat(StoreAudit.problems(home)).as("the pushing store").isEmpty();

        int before = registry.accessLog().size();
        StrataProcess.Result again = StrataProcess.run(home, "push", local, registry.host() + "/" + repo + ":1");
        assertThat(again.code()).as(again.out()).isZero();
        List<String> uploaded = registry.accessLogSince(before).stream()
                .filter(l -> l.startsWith("PUT /v2/" + repo + "/blobs/uploads/"))
                .map(PushAftermath::digestOf)
                .toList();
        assertThat(uploaded)
                .as("blobs the second push uploaded (missing before it: %s)", missing)
                .containsExactlyInAnyOrderElementsOf(missing);
        JsonNode now = reg.manifest(repo, "1").orElseThrow();
        assertThat(reg.missingBlobs(repo, now)).isEmpty();
        assertThat(now).isEqualTo(manifest);
    }

    /**
     * Waits until the registry finished what the killed strata had sent: a blob whose last byte went
     * out just before the kill is committed by the registry a moment later, and then is no longer
     * missing (the soak saw a re-push rightly skip such a blob). The access log logs each request
     * as it ends, so a log that stays unchanged for half a second means nothing is in flight.
     */
    private static void awaitQuiet(RegistryFixture registry) throws InterruptedException {
        int seen = -1;
        while (registry.accessLog().size() != seen) {
            seen = registry.accessLog().size();
            Thread.sleep(500);
        }
    }

    private static String digestOf(String accessLine) {
        Matcher m = DIGEST.matcher(accessLine);
        return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : "no digest in " + accessLine;
    }
}
