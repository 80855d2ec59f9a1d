package dev.strata.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a layer's bytes are when the local store may not hold them. The fetcher reads it to download
 * a layer once, and a registry sink reads it to mount the layer instead of uploading it: no code asks
 * what class a layer is to learn where it lives.
 */
public sealed interface LayerOrigin {
    /** Readable here: the local store, a file, bytes in memory. */
    record Local() implements LayerOrigin {}

    /** Held by these registry repositories, tried in order; each is also a candidate for a cross-repo mount. */
    record Registry(List<Reference> repositories) implements LayerOrigin {
        public Registry {
            if (repositories.isEmpty()) {
                throw new IllegalArgumentException("a registry origin needs a repository");
            }
            repositories = List.copyOf(repositories);
        }
    }

    /** Held by the OCI image layout (a {@code type=local} cache directory) at {@code layout}. */
    record Directory(Path layout) implements LayerOrigin {}

    LayerOrigin LOCAL = new Local();

    /** The repositories the layer can be fetched or mounted from; none unless it is in a registry. */
    default List<Reference> repositories() {
        return List.of();
    }
}
