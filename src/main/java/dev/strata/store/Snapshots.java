package dev.strata.store;

import dev.strata.archive.LayerExtractor;
import dev.strata.archive.LayerSkeleton;
import dev.strata.archive.WhiteoutMode;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Unpacked layers keyed by diffID under {@code store.root()/snapshots/<hex>}, with overlay whiteouts
 * so the runtime can stack them as lowerdirs. Each is made once: extracted into a temp dir beside its
 * final place, verified (blob digest and diffID), then renamed atomically, so a reader never sees a
 * half-made snapshot and concurrent makers end with one good copy.
 */
public final class Snapshots {
    private final Store store;
    private final Skeletons skeletons;
    /** Threads of one JVM wanting the same layer wait for one unpack instead of each doing it. */
    private final ConcurrentHashMap<String, Object> making = new ConcurrentHashMap<>();

    public Snapshots(Store store) {
        this.store = store;
        this.skeletons = new Skeletons(store);
    }

    private Path dir() {
        return store.root().resolve("snapshots");
    }

    /** The snapshot directory of a diffID, if it was made already (temp dirs never count). */
    public Optional<Path> existing(Digest diffId) {
        Path p = dir().resolve(diffId.hex());
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }

    /** The layer unpacked (WhiteoutMode.OVERLAY), made once and shared by later builds. */
    public Path snapshot(Layer layer) {
        return snapshot(layer, name -> Optional.empty());
    }

    /**
     * Like {@link #snapshot(Layer)}; a hardlink in the layer to a file of a lower layer is resolved
     * with {@code lowerFiles} (image path to the file in a lower snapshot, see
     * {@link LayerExtractor#extractDigesting(InputStream, Path, WhiteoutMode, String, Function)}) and
     * copied into this snapshot. Such a snapshot holds that copy for whichever stack first made it.
     */
    public Path snapshot(Layer layer, Function<String, Optional<Path>> lowerFiles) {
        Optional<Path> have = existing(layer.diffId());
        if (have.isPresent()) {
            return have.get();
        }
        synchronized (making.computeIfAbsent(layer.diffId().toString(), k -> new Object())) {
            return existing(layer.diffId()).orElseGet(() -> make(layer, lowerFiles));
        }
    }

    private Path make(Layer layer, Function<String, Optional<Path>> lowerFiles) {
        Digest diffId = layer.diffId();
        Path finalDir = dir().resolve(diffId.hex());
        // the maker's pid in the name lets a later maker or prune tell a crashed one's leftovers (TempNames)
        Path tmp = dir().resolve(
                        ".tmp-" + ProcessHandle.current().pid() + "-" + diffId.shortHex() + "-" + UUID.randomUUID());
        String what = layer.descriptor().digest().toString();
        try {
            Files.createDirectories(dir());
            removeCrashLeftovers();
            MessageDigest blobHash = layer.descriptor().digest().newHasher();
            Digest gotDiff;
            // the layer's skeleton comes from the same read (stored below once the layer checks out)
            ByteArrayOutputStream skeletonBytes = new ByteArrayOutputStream();
            Optional<LayerSkeleton> skeleton = skeletons.find(diffId).isPresent()
                    ? Optional.empty()
                    : Optional.of(LayerSkeleton.writingTo(skeletonBytes));
            try (InputStream raw = layer.open();
                    InputStream in = new DigestInputStream(raw, blobHash)) {
                gotDiff = LayerExtractor.extractDigesting(in, tmp, WhiteoutMode.OVERLAY, what, lowerFiles, skeleton);
                in.transferTo(OutputStream.nullOutputStream()); // bytes after the tar count for the digest
            }
            Digest gotBlob = Digest.finish(layer.descriptor().digest().algorithm(), blobHash);
            if (!gotBlob.equals(layer.descriptor().digest())) {
                throw StrataException.input("layer " + what + " has digest " + gotBlob
                        + " instead; its source is corrupt, fetch or rebuild it");
            }
            if (!gotDiff.equals(diffId)) {
                throw StrataException.input("layer " + what + " unpacks to diffID " + gotDiff + ", not " + diffId
                        + " as its image config says; the image is inconsistent");
            }
            if (skeleton.isPresent()) {
                skeleton.get().finish();
                skeletons.put(diffId, skeletonBytes.toByteArray());
            }
            try {
                Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(finalDir, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                // another process made it first: theirs is as good as ours
            }
            return finalDir;
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot make snapshot of layer " + what + " in " + dir() + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Deletes temp dirs whose maker process is gone (it crashed or was killed mid-unpack). */
    private void removeCrashLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".tmp-") && TempNames.writerGone(name)) {
                    deleteQuietly(p);
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.delete(q);
                } catch (IOException ignored) {
                    // best effort: a leftover .tmp- dir is harmless and removed by the next maker
                }
            });
        } catch (IOException ignored) {
            // best effort, see above
        }
    }
}
