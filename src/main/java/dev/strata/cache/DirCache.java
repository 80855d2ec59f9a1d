package dev.strata.cache;

import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A cache kept in a directory as an OCI image layout ({@code type=local}): {@code oci-layout},
 * {@code blobs/sha256/HEX}, and {@code index.json} naming the cache manifest (tagged {@link #TAG}).
 * It is written by {@code store/LayoutSink}, like any layout, so that a reader never sees half of it.
 */
public final class DirCache {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** The ref name of the cache manifest in the layout's index.json. */
    public static final String TAG = "strata-cache";

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
                    "blob " + d + " in " + dir
                            + " does not match its digest; the cache is damaged: delete it (or name another --cache-to) and export it again");
        }
        return b;
    }

    private static Path blobPath(Path dir, Digest d) {
        return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }
}
