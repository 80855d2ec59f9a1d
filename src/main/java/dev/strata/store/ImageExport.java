package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.ZipException;

/**
 * Writes an image out of the store in the forms other tools read: an OCI image-layout directory,
 * an oci-archive (a tar of such a layout) and a docker-archive that {@code docker load} accepts.
 * Every byte written is checked against its digest; tar output is deterministic: same image, same bytes.
 */
public final class ImageExport {
    private ImageExport() {}

    /**
     * Writes {@code image} into the OCI image layout at {@code dir} (created if needed; an existing
     * layout keeps its other images), tagged {@code tag} (org.opencontainers.image.ref.name) unless empty.
     */
    public static void writeOciLayout(Image image, Store source, Path dir, String tag) {
        try {
            new LayoutSink(dir, tag).write(Artifact.of(image));
        } catch (UncheckedIOException e) {
            throw failure("write the OCI layout " + dir, source, e.getCause());
        }
    }

    /** Writes {@code image} as an oci-archive (tar of an OCI image layout) to {@code out}, tagged {@code tag}. */
    public static void writeOciArchive(Image image, Store source, OutputStream out, String tag) {
        try (DeterministicTar tar = new DeterministicTar(out)) {
            new OciArchiveSink(tar, tag).write(Artifact.of(image));
        } catch (IOException e) {
            throw failure("write an oci-archive", source, e);
        } catch (UncheckedIOException e) {
            throw failure("write an oci-archive", source, e.getCause());
        }
    }

    /**
     * Writes {@code image} as a docker-archive tagged {@code repoTag} (e.g. {@code app:1}): manifest.json,
     * the config as HEX.json, and each layer uncompressed as DIFFID/layer.tar, the form every
     * {@code docker load} accepts. Compressed layers are unpacked to a temp file and their diffID checked.
     */
    public static void writeDockerArchive(Image image, Store source, OutputStream out, String repoTag) {
        try (DeterministicTar tar = new DeterministicTar(out)) {
            new DockerArchiveSink(tar, repoTag, source.root().resolve("tmp")).write(Artifact.of(image));
        } catch (IOException e) {
            throw failure("write a docker-archive", source, e);
        } catch (UncheckedIOException e) {
            throw failure("write a docker-archive", source, e.getCause());
        }
    }

    /** The output is not in the store, so a full disk may be either the target's or the store's (temp files). */
    private static StrataException failure(String what, Store source, IOException e) {
        if (String.valueOf(e.getMessage()).contains("No space left")) {
            return StrataException.environment(
                    "cannot " + what + ": no space left on the device (the output's, or the" + " store's temp space in "
                            + source.root().resolve("tmp") + "); free some space and save again",
                    e);
        }
        return StrataException.environment("cannot " + what + ": " + e, e);
    }

    /** Writes the layer's plain tar to {@code tmp}, checking blob digest and diffID; returns its size. */
    static long uncompressedTo(Layer l, Path tmp) throws IOException {
        MessageDigest diff = l.diffId().newHasher();
        long size;
        try (InputStream blob = verified(l);
                OutputStream o = Files.newOutputStream(tmp)) {
            try {
                size = BlobStreams.copy(BlobStreams.decompressed(blob), o, diff);
            } catch (ZipException | EOFException e) {
                // a damaged blob shows up as bad compression: reading it to the end names the real fault
                blob.transferTo(OutputStream.nullOutputStream());
                throw StrataException.environment(
                        "layer " + l.descriptor().digest() + " cannot be decompressed (" + e.getMessage()
                                + "); the image is corrupt, pull or build it again",
                        e);
            }
            blob.transferTo(OutputStream.nullOutputStream()); // the blob digest covers every byte
        }
        Digest actual = Digest.finish(l.diffId().algorithm(), diff);
        if (!actual.equals(l.diffId())) {
            throw StrataException.environment("layer " + l.descriptor().digest() + " unpacks to " + actual
                    + " but the image config says " + l.diffId() + "; the image is corrupt, pull or build it again");
        }
        return size;
    }

    /** The layer's blob, failing at its end if the bytes do not match the descriptor's digest. */
    static InputStream verified(Layer l) throws IOException {
        Descriptor d = l.descriptor();
        MessageDigest md = d.digest().newHasher();
        return new DigestInputStream(l.open(), md) {
            private boolean checked;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    check();
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int n = super.read();
                if (n < 0) {
                    check();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                // a reader that stopped at the recorded size still gets the check
                if (!checked && super.read() < 0) {
                    check();
                }
                super.close();
            }

            private void check() {
                if (checked) {
                    return;
                }
                checked = true;
                Digest actual = Digest.finish(d.digest().algorithm(), md);
                if (!actual.equals(d.digest())) {
                    throw StrataException.environment("blob " + d.digest() + " does not match its digest (got " + actual
                            + "); the stored copy is corrupt: delete it, run `strata prune` and pull or build again");
                }
            }
        };
    }
}
