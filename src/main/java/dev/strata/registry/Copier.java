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

/** Registry-to-registry copies: a whole index byte for byte, or one platform's image. */
final class Copier {
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
        List<Parallel.Task> tasks = new ArrayList<>();
        for (Descriptor child : top.asIndex().manifests()) {
            tasks.add(() -> copyManifest(src.withDigest(child.digest()), dst.withDigest(child.digest())));
        }
        Parallel.run(tasks, Math.max(1, client.options().parallelism() / 2));
        return client.putManifest(dst, top.bytes(), top.mediaType());
    }

    private void copyManifest(Reference src, Reference dst) {
        RawManifest raw = client.manifest(src);
        if (raw.isIndex()) {
            throw StrataException.registry("cannot copy " + src + ": nested indexes are not supported; copy with --platform");
        }
        Manifest m = raw.asManifest();
        Optional<Reference> from = src.registry().equals(dst.registry()) && !src.repository().equals(dst.repository())
                ? Optional.of(src) : Optional.empty();
        List<Descriptor> blobs = new ArrayList<>(m.layers());
        blobs.add(0, m.config());
        BlobSource source = client.blobSource(src);
        for (Descriptor d : blobs) {
            client.pushBlob(dst, d, () -> source.open(d), from, List.of());
        }
        client.putManifest(dst, raw.bytes(), raw.mediaType());
    }
}
