package dev.strata.engine;

import dev.strata.cache.CacheOptions;
import dev.strata.dockerfile.BuildOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code strata build}: where the context and Dockerfile are, the Dockerfile options, and what
 * to do with the result.
 *
 * @param context         the build context directory
 * @param dockerfile      the Dockerfile to read
 * @param options         build args, target, platforms
 * @param tags            {@code -t} references to tag in the local store (may be empty)
 * @param outputs         {@code --output} exports besides the store
 * @param noCache         {@code --no-cache}: run every step (records are still written)
 * @param isolation       {@code --isolation} (crun, runc, chroot) or empty to probe
 * @param network         {@code --network} default for RUN: "host" (default) or "none"
 * @param secrets         {@code --secret} id → bytes, for {@code RUN --mount=type=secret}
 * @param sourceDateEpoch SOURCE_DATE_EPOCH: timestamps of the image and clamp of file mtimes
 * @param registry        how {@code FROM} images are fetched from registries ({@code --pull}, registry flags)
 * @param cache           {@code --cache-from} and {@code --cache-to}
 */
public record BuildRequest(
        Path context,
        Path dockerfile,
        BuildOptions options,
        List<String> tags,
        List<OutputSpec> outputs,
        boolean noCache,
        Optional<String> isolation,
        String network,
        Map<String, byte[]> secrets,
        Instant sourceDateEpoch,
        RegistryAccess registry,
        CacheOptions cache) {

    public BuildRequest {
        tags = List.copyOf(tags);
        outputs = List.copyOf(outputs);
        secrets = Map.copyOf(secrets);
    }

    /** A build of {@code context} with its Dockerfile, default options, nothing exported. */
    public static BuildRequest of(Path context) {
        return new BuildRequest(
                context,
                context.resolve("Dockerfile"),
                BuildOptions.defaults(),
                List.of(),
                List.of(),
                false,
                Optional.empty(),
                "host",
                Map.of(),
                Instant.EPOCH,
                RegistryAccess.defaults(),
                CacheOptions.none());
    }

    public BuildRequest withTags(List<String> t) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                t,
                outputs,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withOptions(BuildOptions o) {
        return new BuildRequest(
                context,
                dockerfile,
                o,
                tags,
                outputs,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withDockerfile(Path f) {
        return new BuildRequest(
                context,
                f,
                options,
                tags,
                outputs,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withNoCache(boolean n) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                n,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withOutputs(List<OutputSpec> o) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                o,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withIsolation(Optional<String> i) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                noCache,
                i,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withNetwork(String n) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                noCache,
                isolation,
                n,
                secrets,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withSecrets(Map<String, byte[]> s) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                noCache,
                isolation,
                network,
                s,
                sourceDateEpoch,
                registry,
                cache);
    }

    public BuildRequest withSourceDateEpoch(Instant t) {
        return new BuildRequest(
                context, dockerfile, options, tags, outputs, noCache, isolation, network, secrets, t, registry, cache);
    }

    public BuildRequest withRegistry(RegistryAccess r) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                r,
                cache);
    }

    public BuildRequest withCache(CacheOptions c) {
        return new BuildRequest(
                context,
                dockerfile,
                options,
                tags,
                outputs,
                noCache,
                isolation,
                network,
                secrets,
                sourceDateEpoch,
                registry,
                c);
    }
}
