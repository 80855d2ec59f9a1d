package dev.strata.cache;

import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A cache kept in a directory as an OCI image layout ({@code type=local}): {@code oci-layout},
 * {@code blobs/sha256/HEX}, and {@code index.json} naming the cache manifest. Written so that a
 * reader never sees half of it: each blob goes to a temp name, is verified and renamed; index.json
 * is replaced last, by rename.
 */
public final class DirCache {
    static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String TAG = "strata-cache";

    private DirCache() {}

    /** The cache in {@code spec}'s directory, or empty when it has no index.json; a damaged one throws. */
    public static Optional<ImportedCache> read(CacheSpec spec) {
        Path dir = spec.directory();
        Path index = dir.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            return Optional.empty();
        }
        try {
            Index idx = Index.parse(Files.readAllBytes(index), MediaType.OCI_INDEX);
            Descriptor m = idx.manifests().stream()
                    .filter(d -> TAG.equals(d.annotations().get(REF_NAME)))
                    .findFirst()
                    .orElseThrow(() -> StrataException.input(index + " names no manifest tagged " + TAG));
            byte[] manifest = readBlob(dir, m.digest());
            byte[] config = readBlob(
                    dir, CacheManifest.configOf(manifest, dir.toString()).digest());
            return Optional.of(new ImportedCache(spec, CacheManifest.parse(manifest, config, dir.toString())));
        } catch (IOException e) {
            throw StrataException.input("cannot read the cache in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The blobs of a layout directory, read as they are (callers verify them, e.g. Store.putBlob with the digest). */
    public static BlobSource blobs(Path dir) {
        return d -> Files.newInputStream(blobPath(dir, d.digest()));
    }

    private static byte[] readBlob(Path dir, Digest d) throws IOException {
        byte[] b = Files.readAllBytes(blobPath(dir, d));
        if (!Digest.sha256(b).equals(d)) {
            throw StrataException.input(
                    "blob " + d + " in " + dir + " does not match its digest; the cache is damaged");
        }
        return b;
    }

    private static Path blobPath(Path dir, Digest d) {
        return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    /** Writes {@code cache} into {@code dir}; {@code layers} serves the layer blobs the directory lacks. */
    public static void write(Path dir, CacheManifest cache, BlobSource layers) {
        try {
            Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
                replace(dir.resolve("oci-layout"), LAYOUT.getBytes(StandardCharsets.UTF_8));
            }
            for (Descriptor l : cache.blobs()) {
                if (!Files.isRegularFile(blobPath(dir, l.digest()))) {
                    try (InputStream in = layers.open(l)) {
                        writeBlob(dir, l.digest(), in);
                    }
                }
            }
            writeBlob(dir, cache.configDescriptor().digest(), new ByteArrayInputStream(cache.config()));
            writeBlob(dir, cache.descriptor().digest(), new ByteArrayInputStream(cache.manifest()));
            Descriptor named = cache.descriptor().withAnnotations(Map.of(REF_NAME, TAG));
            // last: until this rename a reader sees the previous cache, whole
            replace(
                    dir.resolve("index.json"),
                    Index.of(MediaType.OCI_INDEX, List.of(named), Map.of()).bytes());
        } catch (IOException e) {
            throw StrataException.environment("cannot write the cache to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code in} to a temp name beside the blob, checks the digest, renames it into place. */
    private static void writeBlob(Path dir, Digest d, InputStream in) throws IOException {
        Path dest = blobPath(dir, d);
        Path tmp = dest.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            MessageDigest md = d.newHasher();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                in.transferTo(out);
            }
            Digest got = Digest.fromHash(d.algorithm(), md.digest());
            if (!got.equals(d)) {
                throw StrataException.input("layer " + d + " read for the cache in " + dir + " has digest " + got
                        + "; its source is corrupt");
            }
            move(tmp, dest);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, bytes);
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
