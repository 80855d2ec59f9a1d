package dev.strata.engine;

import dev.strata.cache.CacheOptions;
import dev.strata.dockerfile.BuildOptions;
import dev.strata.exec.ContainerOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 * @param container       {@code --add-host}, {@code --shm-size}, {@code --ulimit} for every RUN
 * @param secrets         {@code --secret} id → bytes, for {@code RUN --mount=type=secret}
 * @param sshAgents       {@code --ssh} id → the agent's unix socket, for {@code RUN --mount=type=ssh}
 * @param sourceDateEpoch SOURCE_DATE_EPOCH: timestamps of the image and clamp of file mtimes
 * @param registry        how {@code FROM} images are fetched from registries ({@code --pull}, registry flags)
 * @param cache           {@code --cache-from} and {@code --cache-to}
 * @param annotations     {@code --annotation}: set on the image's manifest (never in a cache key)
 * @param noCacheFilter   {@code --no-cache-filter}: stage names (lower case) whose steps run without lookup
 * @param push            {@code --push}: the tags go to their registries after the build, so its
 *                        layers may start uploading as soon as they are written
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
        ContainerOptions container,
        Map<String, byte[]> secrets,
        Map<String, Path> sshAgents,
        Instant sourceDateEpoch,
        RegistryAccess registry,
        CacheOptions cache,
        Map<String, String> annotations,
        Set<String> noCacheFilter,
        boolean push) {

    public BuildRequest {
        noCacheFilter = Set.copyOf(noCacheFilter);
        annotations = Map.copyOf(annotations);
        tags = List.copyOf(tags);
        outputs = List.copyOf(outputs);
        secrets = Map.copyOf(secrets);
        sshAgents = Map.copyOf(sshAgents);
    }

    /** A build of {@code context} with its Dockerfile, default options, nothing exported. */
    public static BuildRequest of(Path context) {
        return builder(context).build();
    }

    /** A builder for a build of {@code context}, starting from the defaults of {@link #of}. */
    public static Builder builder(Path context) {
        return new Builder(context);
    }

    /** A builder holding this request's fields, to change a few. */
    public Builder toBuilder() {
        return new Builder(context)
                .dockerfile(dockerfile)
                .options(options)
                .tags(tags)
                .outputs(outputs)
                .noCache(noCache)
                .isolation(isolation)
                .network(network)
                .container(container)
                .secrets(secrets)
                .sshAgents(sshAgents)
                .sourceDateEpoch(sourceDateEpoch)
                .registry(registry)
                .cache(cache)
                .annotations(annotations)
                .noCacheFilter(noCacheFilter)
                .push(push);
    }

    /** Sets a request's fields one by one; every field not set keeps the default of {@link #of}. */
    public static final class Builder {
        private final Path context;
        private Path dockerfile;
        private BuildOptions options = BuildOptions.defaults();
        private List<String> tags = List.of();
        private List<OutputSpec> outputs = List.of();
        private boolean noCache;
        private Optional<String> isolation = Optional.empty();
        private String network = "host";
        private ContainerOptions container = ContainerOptions.defaults();
        private Map<String, byte[]> secrets = Map.of();
        private Map<String, Path> sshAgents = Map.of();
        private Instant sourceDateEpoch = Instant.EPOCH;
        private Optional<RegistryAccess> registry = Optional.empty();
        private CacheOptions cache = CacheOptions.none();
        private Map<String, String> annotations = Map.of();
        private Set<String> noCacheFilter = Set.of();
        private boolean push;

        private Builder(Path context) {
            this.context = context;
            this.dockerfile = context.resolve("Dockerfile");
        }

        public Builder dockerfile(Path f) {
            this.dockerfile = f;
            return this;
        }

        public Builder options(BuildOptions o) {
            this.options = o;
            return this;
        }

        public Builder tags(List<String> t) {
            this.tags = t;
            return this;
        }

        public Builder outputs(List<OutputSpec> o) {
            this.outputs = o;
            return this;
        }

        public Builder noCache(boolean n) {
            this.noCache = n;
            return this;
        }

        public Builder isolation(Optional<String> i) {
            this.isolation = i;
            return this;
        }

        public Builder network(String n) {
            this.network = n;
            return this;
        }

        public Builder container(ContainerOptions c) {
            this.container = c;
            return this;
        }

        public Builder secrets(Map<String, byte[]> s) {
            this.secrets = s;
            return this;
        }

        public Builder sshAgents(Map<String, Path> a) {
            this.sshAgents = a;
            return this;
        }

        public Builder sourceDateEpoch(Instant t) {
            this.sourceDateEpoch = t;
            return this;
        }

        public Builder registry(RegistryAccess r) {
            this.registry = Optional.of(r);
            return this;
        }

        public Builder cache(CacheOptions c) {
            this.cache = c;
            return this;
        }

        public Builder annotations(Map<String, String> a) {
            this.annotations = a;
            return this;
        }

        public Builder noCacheFilter(Set<String> stages) {
            this.noCacheFilter = stages;
            return this;
        }

        public Builder push(boolean p) {
            this.push = p;
            return this;
        }

        public BuildRequest build() {
            return new BuildRequest(
                    context,
                    dockerfile,
                    options,
                    tags,
                    outputs,
                    noCache,
                    isolation,
                    network,
                    container,
                    secrets,
                    sshAgents,
                    sourceDateEpoch,
                    // made only when none was given: the CLI always passes its own
                    registry.orElseGet(RegistryAccess::defaults),
                    cache,
                    annotations,
                    noCacheFilter,
                    push);
        }
    }
}
