package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A cached CI job with one changed COPY makes few registry requests, and {@code --metadata-file}
 * reports them (strata.requests, by method) as the registry's own access log counts them.
 */
class RequestCountTest extends RegistryScenario {
    /**
     * Measured: 40 requests before the blob ledger and tag GETs (23 HEADs), 27 after; the bound
     * leaves one for a retry on a loaded machine.
     */
    private static final long BOUND = 28;

    @Test
    void aCachedJobWithOneChangedCopyStaysUnderTheBoundAndReportsItsRequests() throws Exception {
        String cache = host + "/counted:buildcache";
        String[] flags = {
            "--cache-from",
            cache,
            "--cache-to",
            "type=registry,ref=" + cache + ",mode=max",
            "-t",
            host + "/counted:latest",
            "--push"
        };
        job("count1", scenario("count1", "print(1)\n"), flags);
        Path meta = tmp.resolve("count2.json");
        int mark = registry.accessLog().size();
        String[] withMeta = new String[flags.length + 2];
        System.arraycopy(flags, 0, withMeta, 0, flags.length);
        withMeta[flags.length] = "--metadata-file";
        withMeta[flags.length + 1] = meta.toString();
        Job two = job("count2", scenario("count2", "print(2)\n"), withMeta);
        assertThat(two.hits()).isEqualTo(5);
        int seen = registry.accessLogSince(mark).size();
        JsonNode requests = JSON.readTree(meta.toFile()).path("strata.requests");
        long total = requests.path("total").asLong();
        assertThat(total).as("strata.requests.total against the access log").isEqualTo(seen);
        assertThat(total).as(requests.toString()).isLessThanOrEqualTo(BOUND);
        long byMethod = 0;
        for (String m : new String[] {"GET", "HEAD", "POST", "PUT", "PATCH"}) {
            byMethod += requests.path(m).asLong();
        }
        assertThat(byMethod).isEqualTo(total);
        assertThat(requests.path("HEAD").asLong()).as("HEADs (23 before)").isLessThanOrEqualTo(8);
    }
}
