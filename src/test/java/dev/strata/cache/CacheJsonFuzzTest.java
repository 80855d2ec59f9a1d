package dev.strata.cache;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;

/**
 * Jazzer fuzz tests of the JSON a registry or a shared cache hands strata: manifests, indexes, image
 * configs, cache records and cache manifests on arbitrary bytes may only fail with
 * {@link StrataException}. Without JAZZER_FUZZ they replay the seeds in
 * {@code src/test/resources/dev/strata/cache/CacheJsonFuzzTestInputs}; {@code mvn verify} then fuzzes
 * each target a few seconds in a fork of its own, {@code -Plong} ten minutes (pom.xml's fuzz-*
 * executions, docs/RELIABILITY.md).
 */
class CacheJsonFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void ociDocuments(FuzzedDataProvider data) {
        // the selector is read from the input's end: a seed is a document followed by one byte 0-3
        int which = data.consumeInt(0, 3);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> Manifest.parse(bytes, MediaType.OCI_MANIFEST);
                case 1 -> Manifest.parse(bytes, MediaType.DOCKER_MANIFEST);
                case 2 -> Index.parse(bytes, MediaType.OCI_INDEX);
                default -> ImageConfig.parse(bytes);
            }
        } catch (StrataException expected) {
            // refused input
        }
    }

    @FuzzTest(maxDuration = "90s")
    void cacheRecordsAndManifests(FuzzedDataProvider data) {
        // read from the end: the last byte picks record (odd) or cache; then the manifest's length, 2 bytes
        boolean record = data.consumeBoolean();
        try {
            if (record) {
                CacheRecord.parse(data.consumeRemainingAsBytes());
            } else {
                byte[] manifest = data.consumeBytes(data.consumeInt(0, 4096));
                byte[] config = data.consumeRemainingAsBytes();
                // the caller has checked the config's digest; the parser checks it again
                CacheManifest.parse(manifest, config, "fuzzed cache");
                Digest.sha256(config);
            }
        } catch (StrataException expected) {
            // refused input
        }
    }
}
