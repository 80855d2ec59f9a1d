package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An exported cache as one OCI image manifest: the config blob lists the records (canonical JSON,
 * sorted by key) and the skeletons (layer diffID to skeleton blob); the manifest's layers are the
 * records' layer blobs and the skeleton blobs (deduplicated, sorted by digest). The same records and
 * skeletons always give the same bytes, so an unchanged cache has an unchanged digest and a registry
 * that has it is asked nothing more.
 *
 * @param layers    the records' layer blobs
 * @param skeletons the skeleton blob of a layer, by the layer's diffID (layers below the records and their own)
 * @param mounts    the content of each exported cache mount, by mount id ({@code cache-mounts=})
 */
public record CacheManifest(
        byte[] manifest,
        byte[] config,
        List<CacheRecord> records,
        List<Descriptor> layers,
        Map<Digest, Descriptor> skeletons,
        Map<String, MountBlob> mounts) {
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.strata.cache.config.v1+json";
    /** Bumped when the config's encoding changes: an old reader then ignores the cache instead of misreading it. */
    static final int FORMAT_VERSION = 1;

    public CacheManifest {
        manifest = manifest.clone();
        config = config.clone();
        records = List.copyOf(records);
        layers = List.copyOf(layers);
        skeletons = Collections.unmodifiableSortedMap(new TreeMap<>(skeletons));
        mounts = Collections.unmodifiableSortedMap(new TreeMap<>(mounts));
    }

    /** Every blob the manifest lists: the records' layers, the skeletons and the mounts, sorted by digest. */
    public List<Descriptor> blobs() {
        TreeMap<Digest, Descriptor> all = new TreeMap<>();
        layers.forEach(l -> all.putIfAbsent(l.digest(), l));
        skeletons.values().forEach(l -> all.putIfAbsent(l.digest(), l));
        mounts.values().forEach(m -> all.putIfAbsent(m.blob().digest(), m.blob()));
        return List.copyOf(all.values());
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** Two caches are equal when their manifests are the same bytes (the manifest names the config by digest). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CacheManifest c && Arrays.equals(manifest, c.manifest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(manifest);
    }

    /** The cache as a sink writes it: its manifest, its config, and each blob it lists as {@code blobs} gives it. */
    public Artifact artifact(Function<Descriptor, Layer> blobs) {
        Manifest m = Manifest.parse(manifest, MediaType.OCI_MANIFEST);
        return Artifact.of(m, config, blobs().stream().map(blobs).toList(), LayerOrigin.LOCAL);
    }

    public Descriptor descriptor() {
        return new Descriptor(MediaType.OCI_MANIFEST, Digest.sha256(manifest), manifest.length);
    }

    public Descriptor configDescriptor() {
        return new Descriptor(CONFIG_MEDIA_TYPE, Digest.sha256(config), config.length);
    }

    /** The cache of {@code records}; records sharing a key are one (the first wins: equal keys mean interchangeable steps). */
    public static CacheManifest of(List<CacheRecord> records) {
        return of(records, Map.of(), Optional.empty());
    }

    /** The cache of {@code records} with the skeletons of layers (by diffID), see the three-argument form. */
    public static CacheManifest of(List<CacheRecord> records, Map<Digest, Descriptor> skeletons) {
        return of(records, skeletons, Optional.empty());
    }

    /**
     * The cache of {@code records} with the skeletons of layers (by diffID); a skeleton-less cache is the
     * same bytes as before skeletons existed, so its digest did not move. With a {@code subject} it is
     * attached to that image ({@code --cache-to type=inline}): the registry lists it among the image's
     * referrers and the image itself stays byte for byte what a build without a cache export makes.
     */
    public static CacheManifest of(
            List<CacheRecord> records, Map<Digest, Descriptor> skeletons, Optional<Descriptor> subject) {
        return of(records, skeletons, Map.of(), subject);
    }

    /**
     * The cache of {@code records}, skeletons and cache {@code mounts} (by mount id): a cache without
     * mounts is the same bytes as before they existed.
     */
    public static CacheManifest of(
            List<CacheRecord> records,
            Map<Digest, Descriptor> skeletons,
            Map<String, MountBlob> mounts,
            Optional<Descriptor> subject) {
        TreeMap<String, CacheRecord> byKey = new TreeMap<>();
        records.forEach(r -> byKey.putIfAbsent(r.key().toString(), r));
        ObjectNode cfg = OciJson.object();
        cfg.put("v", FORMAT_VERSION);
        ArrayNode arr = cfg.putArray("records");
        TreeMap<Digest, Descriptor> layers = new TreeMap<>();
        for (CacheRecord r : byKey.values()) {
            arr.add(OciJson.parse(r.toJson(), "cache record"));
            r.layer()
                    .ifPresent(
                            l -> layers.putIfAbsent(l.digest(), new Descriptor(l.mediaType(), l.digest(), l.size())));
        }
        if (!skeletons.isEmpty()) {
            ObjectNode sk = cfg.putObject("skeletons");
            new TreeMap<>(skeletons).forEach((diffId, d) -> sk.set(diffId.toString(), descriptorJson(d)));
        }
        if (!mounts.isEmpty()) {
            ObjectNode ms = cfg.putObject("mounts");
            new TreeMap<>(mounts).forEach((id, b) -> ms.set(id, b.toJson()));
        }
        byte[] config = OciJson.bytes(cfg);
        ObjectNode m = OciJson.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaType.OCI_MANIFEST);
        m.put("artifactType", CONFIG_MEDIA_TYPE);
        m.set("config", descriptorJson(new Descriptor(CONFIG_MEDIA_TYPE, Digest.sha256(config), config.length)));
        ArrayNode ls = m.putArray("layers");
        TreeMap<Digest, Descriptor> blobs = new TreeMap<>(layers);
        skeletons.values().forEach(d -> blobs.putIfAbsent(d.digest(), d));
        mounts.values().forEach(b -> blobs.putIfAbsent(b.blob().digest(), b.blob()));
        blobs.values().forEach(l -> ls.add(descriptorJson(l)));
        subject.ifPresent(d -> m.set("subject", descriptorJson(d)));
        return new CacheManifest(
                OciJson.bytes(m), config, List.copyOf(byKey.values()), List.copyOf(layers.values()), skeletons, mounts);
    }

    /** The config's descriptor, read from manifest bytes; an input error when they are not a strata cache. */
    public static Descriptor configOf(byte[] manifestBytes, String what) {
        Manifest m = Manifest.parse(manifestBytes, MediaType.OCI_MANIFEST);
        if (!CONFIG_MEDIA_TYPE.equals(m.config().mediaType())) {
            throw StrataException.input(what + " is not a strata cache: its config is "
                    + m.config().mediaType() + ", not " + CONFIG_MEDIA_TYPE);
        }
        return m.config();
    }

    /** Reads a cache back; {@code config} must be the blob the manifest names (the caller verified its digest). */
    public static CacheManifest parse(byte[] manifestBytes, byte[] config, String what) {
        Manifest m = Manifest.parse(manifestBytes, MediaType.OCI_MANIFEST);
        Descriptor cd = configOf(manifestBytes, what);
        if (!cd.digest().equals(Digest.sha256(config))) {
            throw StrataException.input("the config of " + what + " does not match its digest " + cd.digest());
        }
        JsonNode o = OciJson.parse(config, what + " config");
        if (o.path("v").asInt() != FORMAT_VERSION) {
            throw StrataException.input(
                    what + " has cache format " + o.path("v") + "; this strata reads format " + FORMAT_VERSION);
        }
        Set<Digest> listed = new HashSet<>();
        m.layers().forEach(l -> listed.add(l.digest()));
        List<CacheRecord> records = new ArrayList<>();
        for (JsonNode r : o.path("records")) {
            CacheRecord record;
            try {
                record = CacheRecord.parse(OciJson.bytes(r));
            } catch (RuntimeException e) {
                throw StrataException.input(what + " holds an unreadable record: " + e.getMessage(), e);
            }
            // a hit's layer is read from where the cache lives, so it must be one the manifest keeps there
            if (record.layer().isPresent()
                    && !listed.contains(record.layer().get().digest())) {
                throw StrataException.input(
                        what + " has a record whose layer "
                                + record.layer().get().digest()
                                + " its manifest does not list; the cache is damaged: delete it (or name another --cache-to) and export it again");
            }
            records.add(record);
        }
        // optional (caches written before skeletons have none): an entry whose blob is not listed is left out
        Map<Digest, Descriptor> skeletons = new TreeMap<>();
        o.path("skeletons").fields().forEachRemaining(f -> {
            JsonNode d = f.getValue();
            try {
                Digest blob = Digest.parse(d.path("digest").asText());
                if (listed.contains(blob)
                        && MediaType.STRATA_LAYER_SKELETON.equals(
                                d.path("mediaType").asText())) {
                    skeletons.put(
                            Digest.parse(f.getKey()),
                            new Descriptor(
                                    MediaType.STRATA_LAYER_SKELETON,
                                    blob,
                                    d.path("size").asLong()));
                }
            } catch (RuntimeException e) {
                throw StrataException.input(
                        what + " holds an unreadable skeleton entry " + f.getKey() + ": " + e.getMessage(), e);
            }
        });
        // optional as well (caches written before mount export have none); an unlisted blob is left out
        Map<String, MountBlob> mounts = new TreeMap<>();
        o.path("mounts").fields().forEachRemaining(f -> {
            try {
                MountBlob b = MountBlob.fromJson(f.getValue());
                if (listed.contains(b.blob().digest())
                        && MountBlob.MEDIA_TYPE.equals(b.blob().mediaType())) {
                    mounts.put(f.getKey(), b);
                }
            } catch (RuntimeException e) {
                throw StrataException.input(
                        what + " holds an unreadable cache mount entry " + f.getKey() + ": " + e.getMessage(), e);
            }
        });
        Set<Digest> skeletonBlobs = new HashSet<>();
        skeletons.values().forEach(d -> skeletonBlobs.add(d.digest()));
        Set<Digest> mountBlobs = new HashSet<>();
        mounts.values().forEach(b -> mountBlobs.add(b.blob().digest()));
        List<Descriptor> layers = m.layers().stream()
                .filter(l ->
                        !MediaType.STRATA_LAYER_SKELETON.equals(l.mediaType()) || !skeletonBlobs.contains(l.digest()))
                .filter(l -> !MountBlob.MEDIA_TYPE.equals(l.mediaType()) || !mountBlobs.contains(l.digest()))
                .toList();
        return new CacheManifest(manifestBytes, config, records, layers, skeletons, mounts);
    }

    private static ObjectNode descriptorJson(Descriptor d) {
        ObjectNode o = OciJson.object();
        o.put("mediaType", d.mediaType());
        o.put("digest", d.digest().toString());
        o.put("size", d.size());
        return o;
    }

    /** Records by key and by alias, for the sources that read a cache; a key wins over another record's alias. */
    Map<CacheKey, CacheRecord> byKey() {
        Map<CacheKey, CacheRecord> out = new LinkedHashMap<>();
        records.forEach(r -> out.putIfAbsent(r.key(), r));
        records.forEach(r -> r.aliases().forEach(a -> out.putIfAbsent(a, r)));
        return out;
    }
}
