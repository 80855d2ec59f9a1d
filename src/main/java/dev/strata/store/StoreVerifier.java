package dev.strata.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.archive.LayerSkeleton;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.store.StoreProblem.Kind;
import dev.strata.store.StoreProblem.Repair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code strata doctor --verify}: re-hashes every blob and follows every tag and ref of a store, and
 * reports what is broken. It reads without holding the store lock (blobs only ever appear whole, by
 * rename), so builds go on meanwhile; a blob that appears after the listing is hashed when something
 * names it, so a build finishing meanwhile is not reported as dangling.
 */
public final class StoreVerifier {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final long STALE_TEMP_MILLIS = 3_600_000L;

    private final Store store;
    private final Set<Digest> good = new HashSet<>();
    private final Set<Digest> corrupt = new HashSet<>();
    /** diffID → the layer blob that some config or cache record pairs it with (for skeleton checks). */
    private final Map<Digest, Descriptor> layerOfDiffId = new HashMap<>();

    private final List<StoreProblem> problems = new ArrayList<>();
    private long bytes;
    private int tags;
    private int refs;
    private int skeletonsChecked;
    private int absentLayers;

    private StoreVerifier(Store store) {
        this.store = store;
    }

    /** Checks {@code store} and reports; changes nothing. */
    public static StoreReport verify(Store store) {
        return new StoreVerifier(store).run();
    }

    /**
     * Applies every repair of {@code report} (removals only), then checks again; the returned report is
     * the store as it is afterwards.
     */
    public static StoreReport repair(Store store, StoreReport report) {
        StoreRepairs.apply(store, report.problems());
        return verify(store);
    }

    private StoreReport run() {
        try {
            blobs();
            index();
            refs();
            skeletons();
            temps();
        } catch (IOException e) {
            throw store.ioFailure("verify the store", e);
        }
        return new StoreReport(
                store.root(),
                good.size() + corrupt.size(),
                bytes,
                tags,
                refs,
                skeletonsChecked,
                absentLayers,
                List.copyOf(problems));
    }

    private void blobs() throws IOException {
        Path dir = store.root().resolve("blobs/sha256");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{64}")) {
                    check(new Digest("sha256", name));
                }
            }
        }
    }

    /** True when the blob is here and hashes to its name; hashed once, reported once. */
    private boolean check(Digest d) {
        if (good.contains(d)) {
            return true;
        }
        if (corrupt.contains(d)) {
            return false;
        }
        Path p = store.blobPath(d);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<Digest> actual = hash(p, d);
        if (actual.isEmpty()) {
            return false; // removed since it was listed (prune): the one who names it reports it
        }
        try {
            bytes += Files.size(p);
        } catch (IOException ignored) {
            // removed meanwhile; its hash was read whole
        }
        if (actual.get().equals(d)) {
            good.add(d);
            return true;
        }
        corrupt.add(d);
        problems.add(new StoreProblem(
                Kind.CORRUPT_BLOB, "blob " + d, "its bytes hash to " + actual.get(), new Repair.DeleteBlob(d)));
        return false;
    }

    static Optional<Digest> hash(Path p, Digest d) {
        MessageDigest md = d.newHasher();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(Digest.fromHash(d.algorithm(), md.digest()));
    }

    private String why(Digest d, String what) {
        return what + " " + d + (corrupt.contains(d) ? " is corrupt" : " is missing");
    }

    private void index() {
        List<Descriptor> list;
        try {
            list = store.withLock(false, store::readIndex);
        } catch (RuntimeException e) {
            problems.add(new StoreProblem(
                    Kind.BAD_INDEX, "index.json", "cannot be read: " + e.getMessage(), new Repair.ResetIndex()));
            return;
        }
        for (Descriptor t : list) {
            tags++;
            String name = t.annotations().getOrDefault(Store.REF_NAME, "");
            image(t).ifPresent(why ->
                    problems.add(new StoreProblem(Kind.BROKEN_TAG, "tag " + name, why, new Repair.Untag(name))));
        }
    }

    /** Why the image (or index) {@code d} names is incomplete, or empty when it is sound. */
    private Optional<String> image(Descriptor d) {
        if (!check(d.digest())) {
            return Optional.of(why(d.digest(), "its manifest"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(store.blobPath(d.digest()));
        } catch (IOException e) {
            return Optional.of("its manifest " + d.digest() + " cannot be read: " + e.getMessage());
        }
        try {
            if (MediaType.isIndex(d.mediaType())) {
                for (Descriptor child : Index.parse(bytes, d.mediaType()).manifests()) {
                    // a platform that was never pulled is absent by design; a present one must be whole
                    if (Files.exists(store.blobPath(child.digest())) || corrupt.contains(child.digest())) {
                        Optional<String> bad = image(child);
                        if (bad.isPresent()) {
                            return Optional.of("its platform manifest " + child.digest() + ": " + bad.get());
                        }
                    }
                }
                return Optional.empty();
            }
            Manifest m = Manifest.parse(bytes, d.mediaType());
            if (!check(m.config().digest())) {
                return Optional.of(why(m.config().digest(), "its config"));
            }
            JsonNode cfg = OciJson.parse(
                    Files.readAllBytes(store.blobPath(m.config().digest())),
                    "image config " + m.config().digest());
            JsonNode diffIds = cfg.path("rootfs").path("diff_ids");
            for (int i = 0; i < m.layers().size(); i++) {
                Descriptor l = m.layers().get(i);
                if (!check(l.digest())) {
                    if (corrupt.contains(l.digest())) {
                        return Optional.of(why(l.digest(), "its layer"));
                    }
                    // a base layer still in its registry is fetched when a step or an --output needs it
                    absentLayers++;
                }
                if (i < diffIds.size()) {
                    pair(diffIds.get(i).asText(), l);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("its manifest or config cannot be read: " + e.getMessage());
        }
    }

    private void pair(String diffId, Descriptor layer) {
        try {
            layerOfDiffId.putIfAbsent(Digest.parse(diffId), layer);
        } catch (RuntimeException ignored) {
            // a config with a bad diffID: the skeleton check simply has no layer to compare with
        }
    }

    private void refs() throws IOException {
        Path dir = store.root().resolve("refs");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir, 2)) {
            files = s.filter(p -> p.getNameCount() == dir.getNameCount() + 2)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
        for (Path p : files) {
            String ns = p.getParent().getFileName().toString();
            String name = p.getFileName().toString();
            if (!ns.matches(NAME) || !name.matches(NAME)) {
                continue; // the store never writes such a name: not ours
            }
            refs++;
            ref(p, ns, name);
        }
    }

    private void ref(Path p, String ns, String name) {
        Repair remove = new Repair.RemoveRef(ns, name);
        String what = "ref " + ns + "/" + name;
        Descriptor target;
        try {
            target = store.readRef(p);
        } catch (RuntimeException e) {
            if (Files.exists(p)) {
                problems.add(new StoreProblem(Kind.DANGLING_REF, what, "cannot be read", remove));
            }
            return;
        }
        if (!check(target.digest())) {
            if (ns.equals("cache-layer") && !corrupt.contains(target.digest())) {
                absentLayers++; // a cache hit's layer stays in its registry until a step needs its files
            } else {
                problems.add(new StoreProblem(Kind.DANGLING_REF, what, why(target.digest(), "its blob"), remove));
            }
            return;
        }
        if (MediaType.isManifest(target.mediaType()) || MediaType.isIndex(target.mediaType())) {
            image(target).ifPresent(why -> problems.add(new StoreProblem(Kind.DANGLING_REF, what, why, remove)));
        } else if (Pruner.CACHE_RECORD.equals(target.mediaType())) {
            record(target, what, remove);
        }
    }

    private void record(Descriptor target, String what, Repair remove) {
        try {
            JsonNode r = OciJson.parse(Files.readAllBytes(store.blobPath(target.digest())), "cache record");
            JsonNode layer = r.path("layer");
            if (layer.hasNonNull("digest") != r.hasNonNull("diffId")) {
                problems.add(new StoreProblem(
                        Kind.BAD_ENTRY,
                        what,
                        "its cache record names a layer without a diffID, or the reverse",
                        remove));
            } else if (layer.hasNonNull("digest")) {
                pair(
                        r.get("diffId").asText(),
                        new Descriptor(
                                layer.path("mediaType").asText(),
                                Digest.parse(layer.get("digest").asText()),
                                Math.max(0, layer.path("size").asLong())));
            }
        } catch (IOException | RuntimeException e) {
            problems.add(new StoreProblem(
                    Kind.BAD_ENTRY, what, "its cache record cannot be read: " + e.getMessage(), remove));
        }
    }

    /**
     * Each skeleton whose layer is here is made again from the layer and compared: a skeleton that
     * disagrees would let a COPY on top of a remote layer see files that are not there.
     */
    private void skeletons() throws IOException {
        Path dir = store.root().resolve("refs").resolve(Skeletons.NAMESPACE);
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : files) {
            String hex = p.getFileName().toString();
            Descriptor layer = hex.matches("[0-9a-f]{64}") ? layerOfDiffId.get(new Digest("sha256", hex)) : null;
            if (layer == null || !good.contains(layer.digest())) {
                continue;
            }
            Descriptor skeleton;
            try {
                skeleton = store.readRef(p);
            } catch (RuntimeException e) {
                continue; // reported as a ref above
            }
            if (!good.contains(skeleton.digest())) {
                continue;
            }
            skeletonsChecked++;
            ByteArrayOutputStream made = new ByteArrayOutputStream();
            String what = "skeleton of layer " + layer.digest();
            Repair remove = new Repair.RemoveRef(Skeletons.NAMESPACE, hex);
            try (InputStream in = Files.newInputStream(store.blobPath(layer.digest()))) {
                Digest diffId = LayerSkeleton.of(in, made, layer.digest().toString());
                byte[] stored = Files.readAllBytes(store.blobPath(skeleton.digest()));
                if (!diffId.hex().equals(hex)) {
                    problems.add(new StoreProblem(
                            Kind.BAD_ENTRY,
                            what,
                            "the layer unpacks to diffID " + diffId + ", not sha256:" + hex,
                            remove));
                } else if (!Arrays.equals(stored, made.toByteArray())) {
                    problems.add(new StoreProblem(
                            Kind.BAD_ENTRY,
                            what,
                            "skeleton " + skeleton.digest() + " does not list the layer's entries",
                            remove));
                }
            } catch (IOException | RuntimeException e) {
                problems.add(new StoreProblem(Kind.BAD_ENTRY, what, "cannot be compared: " + e.getMessage(), remove));
            }
        }
    }

    /** Temp files and half-made snapshots whose writer is gone (or that are older than an hour). */
    private void temps() throws IOException {
        Path tmp = store.root().resolve("tmp");
        List<Path> mounted = Files.isDirectory(tmp) ? LeftoverMounts.below(tmp) : List.of();
        leftovers(tmp, "tmp/", mounted, n -> true);
        leftovers(store.root().resolve("snapshots"), "snapshots/", mounted, n -> n.startsWith(".tmp-"));
    }

    private void leftovers(Path dir, String prefix, List<Path> mounted, Predicate<String> temp) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - STALE_TEMP_MILLIS;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (!temp.test(name)
                        || mounted.stream()
                                .anyMatch(m -> m.startsWith(p.toAbsolutePath().normalize()))) {
                    continue; // a build still reads through a mount under it: prune unmounts dead ones
                }
                boolean gone = TempNames.writerGone(name);
                if (gone
                        || Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
                                        .toMillis()
                                < cutoff) {
                    problems.add(new StoreProblem(
                            Kind.LEFTOVER,
                            prefix + name,
                            gone
                                    ? "its writer (pid " + TempNames.owner(name).orElse(0L) + ") is gone"
                                    : "older than an hour",
                            new Repair.DeleteTemp(prefix + name)));
                }
            }
        }
    }
}
