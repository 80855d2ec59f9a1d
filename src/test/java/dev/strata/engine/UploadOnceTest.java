package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each blob crosses the network once per registry: a cold build that exports a registry cache, an
 * inline cache and pushes the image uploads every new blob into one repository and mounts it into
 * the others, whichever flag comes first. Read from the real registry's access log.
 */
class UploadOnceTest extends RegistryScenario {
    /** The closing PUT of an upload names the digest it stores (a monolithic PUT or the one after PATCHes). */
    private static final Pattern UPLOAD_PUT = Pattern.compile(
            "^PUT /v2/(.+)/blobs/uploads/\\S*[?&]digest=(sha256(?::|%3A)[0-9a-f]{64})", Pattern.CASE_INSENSITIVE);

    /** Digest to the repositories it was uploaded into since {@code mark}, in order. */
    private Map<String, List<String>> uploadsSince(int mark) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String line : registry.accessLogSince(mark)) {
            Matcher m = UPLOAD_PUT.matcher(line);
            if (m.find()) {
                String digest = m.group(2).replace("%3A", ":").replace("%3a", ":");
                out.computeIfAbsent(digest, k -> new ArrayList<>()).add(m.group(1));
            }
        }
        return out;
    }

    private void coldBuildUploadsEachBlobOnce(String name, boolean pushFirst) throws Exception {
        String cache = host + "/" + name + "/cache:buildcache";
        String image = host + "/" + name + "/app:latest";
        List<String> cacheFlags = List.of("--cache-to", "type=registry,ref=" + cache + ",mode=max");
        List<String> pushFlags = List.of("-t", image, "--push", "--build-arg", "BUILDKIT_INLINE_CACHE=1");
        List<String> flags = new ArrayList<>();
        flags.addAll(pushFirst ? pushFlags : cacheFlags);
        flags.addAll(pushFirst ? cacheFlags : pushFlags);
        Path ctx = scenario(name, "print('" + name + "')\n");
        int mark = registry.accessLog().size();
        Job j = job(name, ctx, flags.toArray(String[]::new));
        assertThat(j.hits()).isZero();
        Map<String, List<String>> uploads = uploadsSince(mark);
        // the scenario's five layers, the image config, the cache config and skeletons: all new
        assertThat(uploads).as("blobs uploaded").hasSizeGreaterThanOrEqualTo(7);
        assertThat(uploads)
                .as("no digest is uploaded twice (access log since the build started)")
                .allSatisfy((digest, repos) -> assertThat(repos).as(digest).hasSize(1));
        // and the image and the cache are whole where they were written
        assertThat(cacheAt(cache).records()).hasSize(6);
        assertThat(client.manifest(Reference.parse(image)).asManifest().layers())
                .allSatisfy(l -> assertThat(client.hasBlob(Reference.parse(image), l.digest()))
                        .isTrue());
    }

    @Test
    void cacheToThenPush() throws Exception {
        coldBuildUploadsEachBlobOnce("cachefirst", false);
    }

    @Test
    void pushThenCacheTo() throws Exception {
        coldBuildUploadsEachBlobOnce("pushfirst", true);
    }
}
