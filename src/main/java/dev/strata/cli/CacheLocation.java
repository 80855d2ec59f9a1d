package dev.strata.cli;

import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.ImportedCache;
import dev.strata.cache.RegistryCache;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageSink;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.LazyLayer;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RepositorySink;
import dev.strata.store.LayoutSink;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cache a {@code strata cache} command names: {@code REGISTRY/REPO:TAG}, a directory, or a
 * {@code type=registry,ref=...} / {@code type=local,src=...} value as {@code --cache-from} takes it.
 */
record CacheLocation(CacheSpec spec, RegistryClient client) {
    static CacheLocation parse(String value, RegistryClient client) {
        boolean dir = value.startsWith("/") || value.startsWith(".") || Files.isDirectory(Path.of(value));
        CacheSpec spec = dir && !value.contains("=")
                ? CacheSpec.parseFrom("type=local,src=" + value)
                : CacheSpec.parseFrom(value);
        return new CacheLocation(spec, client);
    }

    /** The cache there; a missing one is an input error naming it. */
    ImportedCache read() {
        return (spec.type() == CacheSpec.Type.LOCAL ? DirCache.read(spec) : RegistryCache.read(client, spec))
                .orElseThrow(() -> StrataException.input("no cache at " + spec.location()
                        + "; export one with strata build --cache-to "
                        + (spec.type() == CacheSpec.Type.LOCAL ? "type=local,dest=" : "type=registry,ref=")
                        + spec.location()));
    }

    /**
     * Writes {@code cache} back where it was read: every blob it lists is already there, so only the
     * config and the manifest are sent (the manifest last, as any export).
     */
    boolean write(CacheManifest cache, LayerOrigin here) {
        ImageSink sink = spec.type() == CacheSpec.Type.LOCAL
                ? new LayoutSink(spec.directory(), DirCache.TAG)
                : RepositorySink.tagged(client, spec.reference(), List.of());
        return sink.write(cache.artifact(d -> new LazyLayer(d, d.digest(), CacheLocation::absent, here)));
    }

    private static InputStream absent(Descriptor d) {
        throw StrataException.environment("blob " + d.digest() + " of the cache is missing where the cache lives");
    }
}
