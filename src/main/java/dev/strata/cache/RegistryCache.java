package dev.strata.cache;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.registry.RawManifest;
import dev.strata.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cache kept in a registry under a tag ({@code --cache-from/--cache-to type=registry,ref=R}).
 * Import reads the manifest and the config (the records), never a layer. Export goes through
 * {@code registry/RepositorySink}, as a push does: it HEADs the tag first (an unchanged cache costs one
 * request), sends only blobs the repository lacks (mounting them where it can) and the manifest last.
 */
public final class RegistryCache {
    /** A config larger than this is not a cache strata wrote (a record is a few hundred bytes). */
    private static final long MAX_CONFIG = 64L << 20;

    private RegistryCache() {}

    /**
     * The cache under {@code spec}'s reference, or empty when the registry has no such tag. Anything
     * unreadable (not a strata cache, corrupt config, registry errors) throws, naming the reference.
     */
    public static Optional<ImportedCache> read(RegistryClient client, CacheSpec spec) {
        return read(client, spec, Optional.empty());
    }

    /**
     * Like {@link #read(RegistryClient, CacheSpec)}; when the tag still names {@code known}'s manifest
     * (an export reading back what it imported or wrote), that cache is returned without reading its
     * config again. One GET by tag, not a HEAD and a GET by digest.
     */
    public static Optional<ImportedCache> read(RegistryClient client, CacheSpec spec, Optional<ImportedCache> known) {
        Reference ref = spec.reference();
        Optional<RawManifest> found = client.findManifest(ref);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RawManifest raw = found.get();
        if (known.isPresent() && known.get().manifest().descriptor().digest().equals(raw.digest())) {
            return known;
        }
        byte[] manifest = raw.bytes();
        if (!raw.isIndex() && isCache(raw)) {
            return Optional.of(readCache(client, spec, ref, manifest));
        }
        // an image: its cache, if one was exported with it (type=inline), is among its referrers
        Optional<byte[]> attached = Optional.empty();
        for (Descriptor d : client.referrers(ref, raw.digest())) {
            if (MediaType.OCI_MANIFEST.equals(d.mediaType())) {
                RawManifest m = client.manifest(ref.withDigest(d.digest()));
                if (isCache(m)) {
                    attached = Optional.of(m.bytes());
                }
            }
        }
        if (attached.isEmpty()) {
            if (raw.isIndex()) {
                return Optional.empty();
            }
            // neither a cache nor an image with one: say what it is
            CacheManifest.configOf(manifest, ref.toString());
        }
        return attached.map(bytes -> readCache(client, spec, ref, bytes));
    }

    private static boolean isCache(RawManifest m) {
        if (m.isIndex()) {
            return false;
        }
        try {
            CacheManifest.configOf(m.bytes(), "");
            return true;
        } catch (StrataException e) {
            return false;
        }
    }

    private static ImportedCache readCache(RegistryClient client, CacheSpec spec, Reference ref, byte[] manifest) {
        Descriptor config = CacheManifest.configOf(manifest, ref.toString());
        if (config.size() > MAX_CONFIG) {
            throw StrataException.input("the config of " + ref + " is " + config.size() + " bytes; not a strata cache");
        }
        byte[] bytes;
        try (InputStream in = client.openBlob(ref, config)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw StrataException.registry("cannot read the config of " + ref + ": " + e.getMessage(), e);
        }
        CacheManifest cache = CacheManifest.parse(manifest, bytes, ref.toString());
        // the registry keeps what a manifest lists: an export into this repository need not ask again
        List<Digest> held = new ArrayList<>(List.of(config.digest()));
        cache.blobs().forEach(d -> held.add(d.digest()));
        client.knownIn(ref, held);
        return new ImportedCache(spec, cache);
    }
}
