package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.MountBlob;
import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Cache mounts through a real registry and real {@code strata build} processes on empty homes: the
 * mount blob is pushed with the cache, not fetched by an all-hit job (the access log shows no GET of
 * it), and fetched once by a job whose RUN misses, which then finds the mount filled.
 */
class RegistryCacheMountTest extends RegistryScenario {
    private static final Pattern BLOB_GET = Pattern.compile("^GET /v2/.+/blobs/(sha256:[0-9a-f]{64}) ");

    private static final String DF = """
            FROM %s/base:1
            COPY requirements.txt /requirements.txt
            RUN --mount=type=cache,target=/var/cache/tool \\
                ( [ -f /var/cache/tool/index ] || echo "index made by $(cat /requirements.txt)" > /var/cache/tool/index ) \\
                && cat /var/cache/tool/index && cp /var/cache/tool/index /installed
            """;

    private Path context(String name, String requirements) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), DF.formatted(host));
        Files.writeString(ctx.resolve("requirements.txt"), requirements);
        return ctx;
    }

    private Set<Digest> blobsFetchedSince(int mark) {
        Set<Digest> out = new HashSet<>();
        for (String line : registry.accessLogSince(mark)) {
            Matcher m = BLOB_GET.matcher(line);
            if (m.find()) {
                out.add(Digest.parse(m.group(1)));
            }
        }
        return out;
    }

    @Test
    void anAllHitJobFetchesNoMountAndAMissingRunFetchesItFirst() throws Exception {
        String cache = host + "/mounts:buildcache";
        String[] flags = {"--cache-from", cache, "--cache-to", "type=registry,ref=" + cache + ",cache-mounts=true"};
        Job first = job("m1", context("m1", "one\n"), flags);
        assertThat(first.run().out()).contains("exported cache to " + cache);
        MountBlob mount = cacheAt(cache).mounts().get("/var/cache/tool");
        assertThat(mount).as(first.run().out()).isNotNull();

        int mark = registry.accessLog().size();
        Job hit = job("m2", context("m2", "one\n"), flags);
        assertThat(hit.hits()).isEqualTo(2);
        assertThat(blobsFetchedSince(mark)).doesNotContain(mount.blob().digest());

        mark = registry.accessLog().size();
        Path ctx = context("m3", "two\n");
        Job miss = job("m3", ctx, flags);
        assertThat(miss.hits()).isZero();
        assertThat(blobsFetchedSince(mark)).contains(mount.blob().digest());
        assertThat(miss.run().out()).contains("restored cache mount /var/cache/tool of " + cache);
        // the index came from the first job's mount: the RUN found it and did not make it again
        assertThat(miss.run().out()).contains("index made by one").doesNotContain("index made by two");
    }
}
