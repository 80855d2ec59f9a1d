package dev.strata.registry;

import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Reference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry repository as an {@link ImageSink}: the one upload path of every push and registry
 * cache export. A blob the repository has is only HEADed; one whose {@link Layer#origin() origin} is
 * another repository of the same registry is mounted from there (no HEAD first: the origin served it);
 * one found by HEAD in a {@code mountFrom} sibling is mounted; the rest is uploaded, largest first and
 * in parallel. The manifest goes last, under the tag or, for a referrer, by digest naming its subject.
 */
public final class RepositorySink implements ImageSink {
    /** A manifest listed among {@code subject}'s referrers, such as an inline cache. */
    public record Referrer(Digest subject, String artifactType) {}

    private final RegistryClient client;
    private final Reference ref;
    private final List<Reference> siblings;
    private final Optional<Referrer> referrer;
    private final Set<Digest> present = ConcurrentHashMap.newKeySet();

    private RepositorySink(
            RegistryClient client, Reference ref, List<Reference> mountFrom, Optional<Referrer> referrer) {
        this.client = client;
        this.ref = ref;
        this.siblings = mountFrom.stream().filter(this::isSibling).distinct().toList();
        this.referrer = referrer;
    }

    /** The manifest goes under {@code ref}'s tag (or digest). */
    public static RepositorySink tagged(RegistryClient client, Reference ref, List<Reference> mountFrom) {
        return new RepositorySink(client, ref, mountFrom, Optional.empty());
    }

    /** The manifest goes into {@code repo} by digest, as one of {@code referrer.subject()}'s referrers. */
    public static RepositorySink referrer(
            RegistryClient client, Reference repo, Referrer referrer, List<Reference> mountFrom) {
        return new RepositorySink(client, repo, mountFrom, Optional.of(referrer));
    }

    @Override
    public String name() {
        return "registry " + ref;
    }

    @Override
    public boolean holds(Descriptor manifest) {
        if (referrer.isPresent()) {
            return client.head(ref.withDigest(manifest.digest())).isPresent()
                    && client.referrers(ref, referrer.get().subject()).stream()
                            .anyMatch(d -> d.digest().equals(manifest.digest()));
        }
        // a registry keeps a manifest only with all its blobs: an equal tag needs nothing more
        return client.head(ref).map(d -> d.digest().equals(manifest.digest())).orElse(false);
    }

    @Override
    public void blob(Artifact artifact, Layer blob) {
        Digest d = blob.descriptor().digest();
        // read from a manifest of this very repository (a cache merged into itself): the registry
        // keeps a manifest's blobs, so there is nothing to ask; and a blob is sent once per sink
        if (present.contains(d) || blob.origin().repositories().stream().anyMatch(this::isSameRepository)) {
            return;
        }
        Optional<Reference> origin =
                blob.origin().repositories().stream().filter(this::isSibling).findFirst();
        // a config made here is new: asking each sibling for it would cost a round trip apiece
        boolean madeHere = artifact.isConfig(blob) && blob.origin() instanceof LayerOrigin.Local;
        client.pushBlob(ref, blob.descriptor(), blob::open, origin, madeHere ? List.of() : siblings);
        present.add(d);
    }

    @Override
    public void blobs(Artifact artifact, List<Layer> blobs) {
        // largest first: the biggest blob bounds the wall time, so it must not start last
        List<Layer> bySize = new ArrayList<>(blobs);
        bySize.sort(Comparator.comparingLong((Layer l) -> l.descriptor().size()).reversed());
        client.inParallel(bySize, b -> blob(artifact, b));
    }

    @Override
    public void manifest(Artifact artifact) {
        byte[] bytes = artifact.manifest().bytes();
        if (referrer.isPresent()) {
            client.putReferrer(
                    ref, bytes, referrer.get().artifactType(), referrer.get().subject());
        } else {
            client.putManifest(ref, bytes, artifact.manifest().mediaType());
        }
    }

    private boolean isSameRepository(Reference r) {
        return r.registry().equals(ref.registry()) && r.repository().equals(ref.repository());
    }

    private boolean isSibling(Reference r) {
        return r.registry().equals(ref.registry()) && !r.repository().equals(ref.repository());
    }
}
