package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Manifest;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Registry-to-registry copies: a whole index (nested ones too) byte for byte, or one platform's image. */
final class Copier {
    /** Real images nest one level at most; a bound keeps a hostile registry from recursing forever. */
    private static final int MAX_DEPTH = 8;

    private final RegistryClient client;

    Copier(RegistryClient client) {
        this.client = client;
    }

    Descriptor copy(Reference src, Reference dst, Optional<Platform> platform) {
        RawManifest top = client.manifest(src);
        if (!top.isIndex() || platform.isPresent()) {
            RemoteImage img = client.image(src, platform.orElse(Platform.host()));
            client.push(img, dst);
            return img.manifest().descriptor();
        }
        copyChildren(src, dst, top, 1);
        return client.putManifest(dst, top.bytes(), top.mediaType());
    }

    /** Copies every manifest an index lists (nested indexes recursively) before the index itself. */
    private void copyChildren(Reference src, Reference dst, RawManifest index, int depth) {
        if (depth > MAX_DEPTH) {
            throw StrataException.registry("cannot copy " + src + ": its indexes nest deeper than " + MAX_DEPTH
                    + " levels; copy one image with --platform");
        }
        List<Parallel.Task> tasks = new ArrayList<>();
        for (Descriptor child : index.asIndex().manifests()) {
            tasks.add(() -> copyManifest(src.withDigest(child.digest()), dst.withDigest(child.digest()), depth));
        }
        Parallel.run(tasks, Math.max(1, client.options().parallelism() / 2));
    }

    private void copyManifest(Reference src, Reference dst, int depth) {
        RawManifest raw = client.manifest(src);
        if (raw.isIndex()) {
            // a nested index (e.g. per-OS lists): its children first, then its exact bytes
            copyChildren(src, dst, raw, depth + 1);
            client.putManifest(dst, raw.bytes(), raw.mediaType());
            return;
        }
        Manifest m = raw.asManifest();
        Optional<Reference> from =
                src.registry().equals(dst.registry()) && !src.repository().equals(dst.repository())
                        ? Optional.of(src)
                        : Optional.empty();
        List<Descriptor> blobs = new ArrayList<>(m.layers());
        blobs.add(0, m.config());
        BlobSource source = client.blobSource(src);
        for (Descriptor d : blobs) {
            client.pushBlob(dst, d, () -> source.open(d), from, List.of());
        }
        client.putManifest(dst, raw.bytes(), raw.mediaType());
    }
}
