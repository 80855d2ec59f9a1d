package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.LazyLayer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI distribution client: manifests and blobs of any registry, pulled verified and pushed
 * HEAD-first (nothing uploaded twice, blobs mounted from sibling repositories, the manifest last).
 * Thread-safe; one per process is enough (it keeps a connection pool and tokens per registry).
 */
public final class RegistryClient {
    private static final int MAX_MANIFEST = 8 << 20;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final RegistryOptions options;
    private final CredentialStore credentials;
    private final ConcurrentMap<String, Transport> transports = new ConcurrentHashMap<>();
    private final BlobLedger ledger = new BlobLedger();

    private RegistryClient(RegistryOptions options) {
        this.options = options;
        this.credentials = new CredentialStore(options);
    }

    /** A client for these options (insecure registries, CA directory, auth files). */
    public static RegistryClient create(RegistryOptions options) {
        return new RegistryClient(options);
    }

    public RegistryOptions options() {
        return options;
    }

    static String pullScope(Reference repo) {
        return "repository:" + repo.repository() + ":pull";
    }

    static String pushScope(Reference repo) {
        return "repository:" + repo.repository() + ":pull,push";
    }

    Transport transport(String registry) {
        return transports.computeIfAbsent(registry, r -> {
            // the credential is looked up once, lazily: a helper program runs only if a registry asks
            var lookup = new Supplier<Optional<Credential>>() {
                private volatile Optional<Credential> value;

                @Override
                public Optional<Credential> get() {
                    if (value == null) {
                        value = credentials.lookup(r);
                    }
                    return value;
                }
            };
            return new Transport(r, Endpoints.base(options, r), Endpoints.client(options, r), lookup, options);
        });
    }

    /** Requests sent to every registry so far, by HTTP method (all attempts counted). */
    public Map<String, Long> requestCounts() {
        Map<String, Long> out = new TreeMap<>();
        transports.values().forEach(t -> t.counts().forEach((k, v) -> out.merge(k, v, Long::sum)));
        return out;
    }

    /** Requests sent to a registry so far, by HTTP method (all attempts counted). */
    public Map<String, Long> requestCounts(String registry) {
        Transport t = transports.get(registry);
        return t == null ? Map.of() : t.counts();
    }

    /**
     * Checks that {@code registry} accepts {@code credential} (GET /v2/, through its token service if
     * it has one). Throws a registry error naming the registry, never the secret.
     */
    public void verifyLogin(String registry, Credential credential) {
        Transport t = new Transport(
                registry,
                Endpoints.base(options, registry),
                Endpoints.client(options, registry),
                () -> Optional.of(credential),
                options);
        HttpResponse<InputStream> resp;
        try {
            resp = t.send(Call.get(t.url("/v2/"), List.of(), Map.of()));
        } catch (AuthRefused e) {
            throw StrataException.registry(
                    "login to " + registry + " failed: its token service refused the user name or password", e);
        }
        if (resp.statusCode() == 401) {
            Transport.discard(resp);
            throw StrataException.registry(
                    "login to " + registry + " failed: the registry refused the user name or password (401)");
        }
        if (resp.statusCode() != 200) {
            throw Errors.of(resp, t, "log in to " + registry, registry + "/v2/");
        }
        Transport.discard(resp);
    }

    /** The manifest or index a reference names, bytes verified when the reference has a digest. */
    public RawManifest manifest(Reference ref) {
        Transport t = transport(ref.registry());
        HttpResponse<InputStream> resp = t.send(
                Call.get(manifestUri(t, ref), List.of(pullScope(ref)), Map.of("Accept", MediaType.manifestAccept())));
        return readManifest(ref, t, resp);
    }

    private RawManifest readManifest(Reference ref, Transport t, HttpResponse<InputStream> resp) {
        if (resp.statusCode() != 200) {
            throw Errors.of(resp, t, "read the manifest of " + ref, ref.toString());
        }
        byte[] bytes;
        try (InputStream in = resp.body()) {
            bytes = in.readNBytes(MAX_MANIFEST + 1);
        } catch (IOException e) {
            throw StrataException.registry("cannot read the manifest of " + ref + ": " + Transport.describe(e), e);
        }
        if (bytes.length > MAX_MANIFEST) {
            // the distribution spec lets registries refuse manifests over 4 MiB; 8 MiB is generous
            throw StrataException.registry("the manifest of " + ref + " from " + ref.registry() + " is larger than "
                    + (MAX_MANIFEST >> 20) + " MiB; refusing to read it");
        }
        RawManifest raw =
                RawManifest.of(bytes, resp.headers().firstValue("Content-Type").orElse(null));
        if (ref.digest().isPresent()
                && !ref.digest()
                        .get()
                        .equals(Digest.fromHash(
                                ref.digest().get().algorithm(),
                                ref.digest().get().newHasher().digest(bytes)))) {
            throw StrataException.registry("the manifest of " + ref + " from " + ref.registry()
                    + " does not match its digest; the registry sent corrupt data");
        }
        return raw;
    }

    /**
     * The manifest a tag (or digest) names, or empty when the registry has none: one GET where a HEAD
     * and a GET by digest would take two round trips.
     */
    public Optional<RawManifest> findManifest(Reference ref) {
        Transport t = transport(ref.registry());
        HttpResponse<InputStream> resp = t.send(
                Call.get(manifestUri(t, ref), List.of(pullScope(ref)), Map.of("Accept", MediaType.manifestAccept())));
        if (resp.statusCode() == 404) {
            Transport.discard(resp);
            return Optional.empty();
        }
        return Optional.of(readManifest(ref, t, resp));
    }

    /** The descriptor a reference resolves to (HEAD), or empty when the registry has no such manifest. */
    public Optional<Descriptor> head(Reference ref) {
        Transport t = transport(ref.registry());
        HttpResponse<InputStream> resp = t.send(
                Call.head(manifestUri(t, ref), List.of(pullScope(ref)), Map.of("Accept", MediaType.manifestAccept())));
        Transport.discard(resp);
        if (resp.statusCode() == 404) {
            return Optional.empty();
        }
        if (resp.statusCode() != 200) {
            throw Errors.of(resp, t, "look up " + ref, ref.toString());
        }
        Optional<String> digest = resp.headers().firstValue("Docker-Content-Digest");
        Optional<String> type = resp.headers().firstValue("Content-Type").map(s -> s.split(";")[0].trim());
        long size = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (digest.isEmpty() || type.isEmpty() || size < 0) {
            // some registries omit the digest on HEAD: fetch and hash instead
            return Optional.of(manifest(ref).descriptor());
        }
        return Optional.of(new Descriptor(type.get(), Digest.parse(digest.get()), size));
    }

    /** Pushes manifest bytes exactly as given under the reference's tag or digest. */
    public Descriptor putManifest(Reference ref, byte[] bytes, String mediaType) {
        putManifestWithHeader(ref, bytes, mediaType, "Docker-Content-Digest");
        return new Descriptor(mediaType, Digest.sha256(bytes), bytes.length);
    }

    /**
     * Pushes a manifest that names {@code subject} into {@code repo} by digest, listed among the
     * subject's referrers: by the registry, or in the tag-schema index when it has no referrers API.
     */
    public void putReferrer(Reference repo, byte[] manifest, String artifactType, Digest subject) {
        Referrers.push(this, repo, manifest, artifactType, subject);
    }

    /** {@link #putManifest}, returning one header of the registry's answer. */
    Optional<String> putManifestWithHeader(Reference ref, byte[] bytes, String mediaType, String header) {
        Transport t = transport(ref.registry());
        Digest digest = Digest.sha256(bytes);
        HttpResponse<InputStream> resp = t.send(Call.send(
                "PUT",
                manifestUri(t, ref),
                List.of(pushScope(ref)),
                Map.of("Content-Type", mediaType),
                () -> HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (resp.statusCode() != 201 && resp.statusCode() != 200) {
            throw Errors.of(resp, t, "push the manifest of " + ref, ref.name());
        }
        Transport.discard(resp);
        Optional<String> echoed = resp.headers().firstValue("Docker-Content-Digest");
        if (echoed.isPresent() && !echoed.get().equals(digest.toString())) {
            throw StrataException.registry(ref.registry() + " stored the manifest of " + ref + " as " + echoed.get()
                    + " instead of " + digest + "; the registry rewrote it");
        }
        return resp.headers().firstValue(header);
    }

    /** True when the repository holds the blob (HEAD). */
    public boolean hasBlob(Reference repo, Digest digest) {
        Transport t = transport(repo.registry());
        HttpResponse<InputStream> resp = t.send(
                Call.head(t.url("/v2/" + repo.repository() + "/blobs/" + digest), List.of(pullScope(repo)), Map.of()));
        Transport.discard(resp);
        if (resp.statusCode() == 200) {
            return true;
        }
        if (resp.statusCode() == 404) {
            return false;
        }
        throw Errors.of(resp, t, "look up blob " + digest + " in " + repo.name(), repo.name());
    }

    /** Opens a blob, verified against the descriptor while streaming (resumed with Range on a drop). */
    public InputStream openBlob(Reference repo, Descriptor descriptor) {
        Transport t = transport(repo.registry());
        return new BlobStream(
                t,
                t.url("/v2/" + repo.repository() + "/blobs/" + descriptor.digest()),
                List.of(pullScope(repo)),
                descriptor,
                repo.name(),
                true);
    }

    /**
     * Like {@link #openBlob} (size checked, resumed with Range) but not hashed here: for sinks that
     * verify the digest themselves, such as {@code Store.putBlob} with an expected digest, so the
     * bytes are hashed once rather than twice.
     */
    public InputStream openBlobForVerifyingSink(Reference repo, Descriptor descriptor) {
        Transport t = transport(repo.registry());
        return new BlobStream(
                t,
                t.url("/v2/" + repo.repository() + "/blobs/" + descriptor.digest()),
                List.of(pullScope(repo)),
                descriptor,
                repo.name(),
                false);
    }

    /**
     * Writes a blob into {@code out} straight from the network buffers (the fastest path: no stream
     * hand-off between threads), resumed with Range on a drop or stall, size checked. Not hashed
     * here: for sinks that verify the digest as they write, such as
     * {@code Store.putBlob(mediaType, digest, writer)}. Does not close {@code out}.
     */
    public void fetchBlob(Reference repo, Descriptor descriptor, WritableByteChannel out) {
        Transport t = transport(repo.registry());
        new BlobDownload(
                        t,
                        t.url("/v2/" + repo.repository() + "/blobs/" + descriptor.digest()),
                        List.of(pullScope(repo)),
                        descriptor,
                        repo.name(),
                        out)
                .run();
    }

    /** The blobs of a repository as a source for lazy layers. */
    public BlobSource blobSource(Reference repo) {
        return d -> openBlob(repo, d);
    }

    /**
     * The image a reference names, for {@code platform} when it names an index. Manifest and config
     * are fetched now; layers only when opened.
     */
    public RemoteImage image(Reference ref, Platform platform) {
        RawManifest top = manifest(ref);
        Optional<Index> index = Optional.empty();
        RawManifest chosen = top;
        if (top.isIndex()) {
            Index idx = top.asIndex();
            index = Optional.of(idx);
            Descriptor pick;
            try {
                pick = idx.select(platform, ref.toString());
            } catch (StrataException e) {
                // absent from the registry's index, like a missing tag: exit 3, not a usage error (2)
                throw StrataException.registry(e.getMessage(), e);
            }
            chosen = manifest(ref.withDigest(pick.digest()));
        }
        Manifest m;
        try {
            m = chosen.asManifest();
        } catch (StrataException e) {
            throw StrataException.registry("cannot read " + ref + ": " + e.getMessage(), e);
        }
        byte[] config;
        try (InputStream in = openBlob(ref, m.config())) {
            config = in.readAllBytes();
        } catch (IOException e) {
            throw StrataException.registry("cannot read the config of " + ref + ": " + Transport.describe(e), e);
        }
        ImageConfig cfg = ImageConfig.parse(config);
        if (cfg.diffIds().size() != m.layers().size()) {
            throw StrataException.registry(ref + " has " + m.layers().size() + " layers but its config lists "
                    + cfg.diffIds().size() + " diff_ids; the image is malformed");
        }
        // the repository keeps what its manifests list: a push into it, or mounting from it, needs no HEAD
        ledger.holds(ref, m.config().digest());
        m.layers().forEach(l -> ledger.holds(ref, l.digest()));
        List<Layer> layers = new ArrayList<>();
        BlobSource source = blobSource(ref);
        LayerOrigin origin = new LayerOrigin.Registry(List.of(ref));
        for (int i = 0; i < m.layers().size(); i++) {
            layers.add(new LazyLayer(m.layers().get(i), cfg.diffIds().get(i), source, origin));
        }
        return new RemoteImage(ref.withDigest(chosen.digest()), m, config, layers, index);
    }

    /**
     * Runs {@code action} on each item with this client's bounded parallelism (e.g. layers written
     * into a store); the first failure is rethrown.
     */
    public <T> void inParallel(List<T> items, Consumer<T> action) {
        Parallel.run(
                items.stream().<Parallel.Task>map(i -> () -> action.accept(i)).toList(), options.parallelism());
    }

    /** Pushes an image: blobs HEAD-first (in parallel), then the manifest's exact bytes. */
    public void push(Image image, Reference ref) {
        push(image, ref, List.of());
    }

    /**
     * Like {@link #push(Image, Reference)}; a missing blob found in one of {@code mountFrom}
     * (same registry) is mounted rather than uploaded, and so is one whose layer names its origin.
     * A {@link RemoteImage}'s layers and config name its repository.
     */
    public void push(Image image, Reference ref, List<Reference> mountFrom) {
        LayerOrigin config =
                image instanceof RemoteImage r ? new LayerOrigin.Registry(List.of(r.reference())) : LayerOrigin.LOCAL;
        RepositorySink.tagged(this, ref, mountFrom).write(Artifact.of(image, config));
    }

    /**
     * Pushes a blob unless the repository has it, mounting from a sibling that does. Pushes of one
     * digest to one registry take turns ({@link BlobLedger}): the second mounts what the first sent.
     */
    void pushBlob(
            Reference repo,
            Descriptor d,
            BlobUploader.Opener opener,
            Optional<Reference> source,
            List<Reference> siblings) {
        if (ledger.knows(repo, d.digest())) {
            return;
        }
        ledger.exclusive(repo, d.digest(), () -> {
            if (!ledger.knows(repo, d.digest())) {
                sendBlob(repo, d, opener, source, siblings);
                ledger.holds(repo, d.digest());
            }
        });
    }

    private void sendBlob(
            Reference repo,
            Descriptor d,
            BlobUploader.Opener opener,
            Optional<Reference> source,
            List<Reference> siblings) {
        BlobUploader up = new BlobUploader(transport(repo.registry()), options.chunkSize());
        Optional<Reference> known = ledger.sibling(repo, d.digest());
        if (known.isPresent()) {
            // this process put it there (or read a manifest naming it): a mount, no HEAD, no bytes
            up.mountOrUpload(repo, known.get(), d, opener);
            return;
        }
        if (hasBlob(repo, d.digest())) {
            return;
        }
        if (source.isPresent()) {
            // the image was read from there: it holds every blob, no need to ask first
            up.mountOrUpload(repo, source.get(), d, opener);
            return;
        }
        for (Reference s : siblings) {
            if (hasBlob(s, d.digest())) {
                ledger.holds(s, d.digest());
                up.mountOrUpload(repo, s, d, opener);
                return;
            }
        }
        up.upload(repo, d, opener);
    }

    /**
     * Notes that {@code repo} holds these blobs (say, a manifest read from there lists them): a later
     * push into {@code repo} skips them without a HEAD, and one into a sibling mounts them from it.
     */
    public void knownIn(Reference repo, List<Digest> blobs) {
        blobs.forEach(d -> ledger.holds(repo, d));
    }

    /** Uploads a blob given as bytes unless present; returns its descriptor. */
    public Descriptor pushBlob(Reference repo, String mediaType, byte[] bytes) {
        Descriptor d = new Descriptor(mediaType, Digest.sha256(bytes), bytes.length);
        pushBlob(repo, d, () -> new ByteArrayInputStream(bytes), Optional.empty(), List.of());
        return d;
    }

    /** Uploads a blob read from {@code source} unless present (mounting from {@code mountFrom} when it holds it). */
    public void pushBlob(Reference repo, Descriptor d, BlobSource source, List<Reference> mountFrom) {
        pushBlob(
                repo,
                d,
                () -> source.open(d),
                Optional.empty(),
                mountFrom.stream()
                        .filter(c -> c.registry().equals(repo.registry())
                                && !c.repository().equals(repo.repository()))
                        .toList());
    }

    /**
     * Copies what {@code src} names to {@code dst}, registry to registry: an index with all its
     * manifests (byte for byte) unless a platform is asked for, else the one image.
     */
    public Descriptor copy(Reference src, Reference dst, Optional<Platform> platform) {
        return new Copier(this).copy(src, dst, platform);
    }

    /** The tags of a repository, following pagination. */
    public List<String> tags(Reference repo) {
        Transport t = transport(repo.registry());
        List<String> out = new ArrayList<>();
        URI uri = t.url("/v2/" + repo.repository() + "/tags/list");
        for (int page = 0; page < 1000; page++) {
            HttpResponse<InputStream> resp = t.send(Call.get(uri, List.of(pullScope(repo)), Map.of()));
            if (resp.statusCode() != 200) {
                throw Errors.of(resp, t, "list the tags of " + repo.name(), repo.name());
            }
            try (InputStream in = resp.body()) {
                OciJson.parse(in.readAllBytes(), "tag list").path("tags").forEach(n -> out.add(n.asText()));
            } catch (IOException e) {
                throw StrataException.registry(
                        "cannot read the tags of " + repo.name() + ": " + Transport.describe(e), e);
            }
            Optional<String> next = resp.headers()
                    .firstValue("Link")
                    .map(NEXT_LINK::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1));
            if (next.isEmpty()) {
                break;
            }
            uri = uri.resolve(next.get());
        }
        return out;
    }

    /**
     * The manifests whose subject is {@code subject}: the referrers API, else (a registry without it
     * answers 404) the {@code sha256-HEX} tag-schema index, else none.
     */
    public List<Descriptor> referrers(Reference repo, Digest subject) {
        return Referrers.list(this, repo, subject);
    }

    private static URI manifestUri(Transport t, Reference ref) {
        return t.url("/v2/" + ref.repository() + "/manifests/" + ref.identifier());
    }
}
