package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A content store in OCI image-layout form (oci-layout, index.json, blobs/sha256/HEX), so skopeo
 * and umoci read it directly. Blobs are written under a temp name, verified, fsync'd and renamed,
 * so a reader never sees a partial blob and two writers of one blob leave one good copy.
 */
public final class Store {
    /** Annotation holding the short name:tag, as the OCI layout spec defines it. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** Annotation holding the fully-qualified reference the tag was made from. */
    public static final String FULL_REF = "strata.reference";
    /**
     * Annotation set to {@code registry} on tags made by pulling: only those name a registry
     * repository that really holds the image's layers (an imported or built image's reference does not).
     */
    public static final String ORIGIN = "strata.origin";

    private final Path root;

    private Store(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) the store at {@code root}. */
    public static Store open(Path root) {
        Store s = new Store(root);
        try {
            Files.createDirectories(root.resolve("blobs/sha256"));
            Files.createDirectories(root.resolve("tmp"));
            s.withLock(true, () -> {
                try {
                    Path layout = root.resolve("oci-layout");
                    if (!Files.exists(layout)) {
                        s.atomicWrite(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
                    }
                    if (!Files.exists(root.resolve("index.json"))) {
                        s.writeIndex(List.of());
                    }
                } catch (IOException e) {
                    throw s.ioFailure("initialise the store", e);
                }
                return null;
            });
        } catch (IOException e) {
            throw s.ioFailure("create the store directories", e);
        }
        return s;
    }

    public Path root() {
        return root;
    }

    public Path blobPath(Digest d) {
        return root.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    public boolean hasBlob(Digest d) {
        return Files.isRegularFile(blobPath(d));
    }

    /** Stores bytes read from {@code in}; if {@code expected} is given the content must match it. */
    public Descriptor putBlob(String mediaType, InputStream in, Optional<Digest> expected) {
        return write(mediaType, expected, ch -> {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        });
    }

    /**
     * Stores a blob that {@code writer} writes into a channel (e.g. network buffers handed straight
     * to the file, with no copy through a stream); hashed here as written, and kept only if it
     * matches {@code expected}. The writer must not close the channel.
     */
    public Descriptor putBlob(String mediaType, Digest expected, Consumer<WritableByteChannel> writer) {
        return write(mediaType, Optional.of(expected), ch -> writer.accept(ch));
    }

    /** What writes a blob's bytes into the (hashing) channel of its temp file. */
    private interface Writer {
        void write(WritableByteChannel ch) throws IOException;
    }

    /** Writes a blob under a temp name while hashing it, verifies, fsyncs and renames it into place. */
    private Descriptor write(String mediaType, Optional<Digest> expected, Writer writer) {
        Path tmp = root.resolve("tmp").resolve(TempNames.of("blob"));
        try {
            MessageDigest md = expected.map(Digest::newHasher).orElseGet(Digest::newSha256);
            long size;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                HashingChannel hashing = new HashingChannel(ch, md);
                writer.write(hashing);
                size = hashing.written();
                ch.force(true);
            }
            Digest actual = Digest.finish(expected.map(Digest::algorithm).orElse("sha256"), md);
            if (expected.isPresent() && !expected.get().equals(actual)) {
                throw StrataException.input("blob content does not match its digest: expected " + expected.get()
                        + ", got " + actual + "; the source is corrupt, fetch it again");
            }
            Path dest = blobPath(actual);
            Files.createDirectories(dest.getParent());
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Descriptor(mediaType, actual, size);
        } catch (IOException e) {
            throw ioFailure("write a blob into " + root, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover temp file is removed by prune
            }
        }
    }

    public Descriptor putBlob(String mediaType, byte[] bytes) {
        return putBlob(mediaType, new ByteArrayInputStream(bytes), Optional.empty());
    }

    /** Opens a blob for reading; a missing blob is a clear environment error. */
    public InputStream openBlob(Digest d) {
        try {
            return Files.newInputStream(blobPath(d));
        } catch (NoSuchFileException e) {
            throw StrataException.environment("blob " + d + " is missing from the store " + root
                    + "; files were deleted by hand: run `strata prune` and pull or build the image again");
        } catch (IOException e) {
            throw ioFailure("read blob " + d, e);
        }
    }

    public byte[] readBlob(Digest d) {
        try (InputStream in = openBlob(d)) {
            byte[] b = in.readAllBytes();
            if (!Digest.fromHash(d.algorithm(), d.newHasher().digest(b)).equals(d)) {
                throw StrataException.environment(
                        "blob " + d + " in the store " + root
                                + " is corrupt (its bytes do not match its digest): delete it and run `strata prune`, then pull again");
            }
            return b;
        } catch (IOException e) {
            throw ioFailure("read blob " + d, e);
        }
    }

    /**
     * Stores an image (layers, config, manifest; manifest last) if missing, every blob verified against
     * its digest, and returns the manifest descriptor. Layers already here are not read again.
     */
    public Descriptor putImage(Image image) {
        for (Layer l : image.layers()) {
            Descriptor d = l.descriptor();
            if (hasBlob(d.digest())) {
                touch(d.digest());
            } else {
                try (InputStream in = l.open()) {
                    putBlob(d.mediaType(), in, Optional.of(d.digest()));
                } catch (IOException e) {
                    throw ioFailure("read layer " + d.digest(), e);
                }
            }
        }
        Manifest m = image.manifest();
        byte[] cfg = image.configBytes();
        if (hasBlob(m.config().digest())) {
            touch(m.config().digest());
        } else {
            putBlob(
                    m.config().mediaType(),
                    new ByteArrayInputStream(cfg),
                    Optional.of(m.config().digest()));
        }
        return putBlob(m.mediaType(), new ByteArrayInputStream(m.bytes()), Optional.of(m.digest()));
    }

    /** Marks an existing blob as just used, so a concurrent prune's grace period covers it. */
    public void touch(Digest d) {
        try {
            Files.setLastModifiedTime(blobPath(d), FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException e) {
            throw StrataException.environment("blob " + d + " is missing from the store " + root
                    + "; files were deleted by hand: run `strata prune` and pull or build the image again");
        } catch (IOException e) {
            throw ioFailure("touch blob " + d, e);
        }
    }

    /** The tagged descriptors recorded in index.json. */
    public List<Descriptor> tags() {
        return withLock(false, this::readIndex);
    }

    public Optional<Descriptor> resolve(String name) {
        return tags().stream()
                .filter(t -> name.equals(t.annotations().get(REF_NAME)))
                .findFirst();
    }

    /** Points {@code name} (name:tag) at {@code manifest}, replacing an older entry of that name. */
    public void tag(String name, String fullRef, Descriptor manifest) {
        tag(name, manifest, Map.of(REF_NAME, name, FULL_REF, fullRef));
    }

    /** {@link #tag} for an image pulled from {@code fullRef}'s registry, which remains its layers' origin. */
    public void tagPulled(String name, String fullRef, Descriptor manifest) {
        tag(name, manifest, Map.of(REF_NAME, name, FULL_REF, fullRef, ORIGIN, "registry"));
    }

    private void tag(String name, Descriptor manifest, Map<String, String> annotations) {
        withLock(true, () -> {
            List<Descriptor> list = new ArrayList<>(readIndex());
            list.removeIf(t -> name.equals(t.annotations().get(REF_NAME)));
            list.add(manifest.withAnnotations(annotations));
            writeIndex(list);
            return null;
        });
    }

    /** Removes the tag {@code name}; its blobs stay until {@link #prune} finds nothing reaching them. */
    public boolean untag(String name) {
        return withLock(true, () -> {
            List<Descriptor> list = new ArrayList<>(readIndex());
            boolean removed = list.removeIf(t -> name.equals(t.annotations().get(REF_NAME)));
            if (removed) {
                writeIndex(list);
            }
            return removed;
        });
    }

    /** Blobs of this store as a source for lazy layers (read on open, not before). */
    public BlobSource blobSource() {
        return d -> openBlob(d.digest());
    }

    /** The image a tag (name:tag) points at. */
    public Optional<Image> image(String name) {
        return resolve(name).map(this::image);
    }

    /** The image of a manifest descriptor stored here. */
    public Image image(Descriptor manifest) {
        return StoredImage.load(this, Manifest.parse(readBlob(manifest.digest()), manifest.mediaType()));
    }

    /** Keeps {@code target} alive under refs/NAMESPACE/NAME (e.g. cache records) until removed. */
    public void setRef(String namespace, String name, Descriptor target) {
        checkRefPart(namespace);
        checkRefPart(name);
        withLock(true, () -> {
            try {
                Path p = root.resolve("refs").resolve(namespace).resolve(name);
                Files.createDirectories(p.getParent());
                atomicWrite(
                        p,
                        (target.mediaType() + "\n" + target.digest() + "\n" + target.size() + "\n")
                                .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw ioFailure("write ref " + namespace + "/" + name, e);
            }
            return null;
        });
    }

    public Optional<Descriptor> ref(String namespace, String name) {
        checkRefPart(namespace);
        checkRefPart(name);
        Path p = root.resolve("refs").resolve(namespace).resolve(name);
        return withLock(false, () -> Files.exists(p) ? Optional.of(readRef(p)) : Optional.empty());
    }

    /** The names under refs/NAMESPACE, sorted; empty when the namespace has none. */
    public List<String> refNames(String namespace) {
        checkRefPart(namespace);
        Path dir = root.resolve("refs").resolve(namespace);
        return withLock(false, () -> {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (var s = Files.list(dir)) {
                // only names setRef accepts: anything else in the directory was not written by the store
                return s.map(p -> p.getFileName().toString())
                        .filter(n -> n.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw ioFailure("list refs/" + namespace, e);
            }
        });
    }

    public void removeRef(String namespace, String name) {
        checkRefPart(namespace);
        checkRefPart(name);
        withLock(true, () -> {
            try {
                Files.deleteIfExists(root.resolve("refs").resolve(namespace).resolve(name));
            } catch (IOException e) {
                throw ioFailure("remove ref " + namespace + "/" + name, e);
            }
            return null;
        });
    }

    /** How long a fresh unreachable blob is kept: a build running now may not have tagged it yet. */
    public static final Duration PRUNE_GRACE = Duration.ofMinutes(10);

    /** {@link #prune(java.time.Duration)} with the default {@link #PRUNE_GRACE}. */
    public int prune() {
        return prune(PRUNE_GRACE);
    }

    /**
     * Deletes every blob no tag or ref reaches (through indexes, manifests, configs, layers) and that is
     * older than {@code grace}; returns how many. The grace period protects blobs a concurrent build has
     * written (or re-used, see {@link #putImage}) but not tagged yet.
     */
    public int prune(Duration grace) {
        return Pruner.prune(this, grace);
    }

    Descriptor readRef(Path p) {
        try {
            String[] l = Files.readString(p).split("\n");
            return new Descriptor(l[0], Digest.parse(l[1]), Long.parseLong(l[2]));
        } catch (IOException | RuntimeException e) {
            throw StrataException.environment(
                    "the store ref " + p + " is unreadable (" + e.getMessage()
                            + "); delete that file and run `strata prune`",
                    e);
        }
    }

    private static void checkRefPart(String part) {
        if (!part.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw StrataException.input("bad store ref name '" + part + "': use letters, digits, '.', '_' or '-'");
        }
    }

    /** Runs {@code body} holding the store lock, shared or exclusive, across threads and processes. */
    public <T> T withLock(boolean exclusive, Supplier<T> body) {
        try (FileChannel ch = FileChannel.open(
                root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // a FileLock is per-process; synchronising on the store keeps threads of one JVM apart
            synchronized (lockMonitor()) {
                try (FileLock l = ch.lock(0, Long.MAX_VALUE, !exclusive)) {
                    return body.get();
                }
            }
        } catch (IOException e) {
            throw ioFailure("lock the store", e);
        }
    }

    private Object lockMonitor() {
        return root.toAbsolutePath().normalize().toString().intern();
    }

    List<Descriptor> readIndex() {
        Path p = root.resolve("index.json");
        try {
            return Index.parse(Files.readAllBytes(p), MediaType.OCI_INDEX).manifests();
        } catch (IOException e) {
            throw ioFailure("read " + p, e);
        } catch (StrataException e) {
            throw StrataException.environment(
                    "the store index " + p + " is corrupt (" + e.getMessage()
                            + "); restore it from a backup or remove the store directory",
                    e);
        }
    }

    void writeIndex(List<Descriptor> list) {
        try {
            atomicWrite(
                    root.resolve("index.json"),
                    Index.of(MediaType.OCI_INDEX, list, Map.of()).bytes());
        } catch (IOException e) {
            throw ioFailure("write index.json", e);
        }
    }

    private void atomicWrite(Path dest, byte[] bytes) throws IOException {
        Path tmp = root.resolve("tmp").resolve(TempNames.of("w"));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    StrataException ioFailure(String what, IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left")) {
            return StrataException.environment(
                    "cannot " + what + ": no space left on the device holding " + root
                            + "; free some space or run `strata prune`",
                    e);
        }
        return StrataException.environment("cannot " + what + " (" + root + "): " + e, e);
    }
}
