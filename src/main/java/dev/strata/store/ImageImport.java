package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.History;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** {@code strata import}: a root filesystem tarball becomes a one-layer image, like {@code docker import}. */
public final class ImageImport {
    private ImageImport() {}

    /**
     * Imports {@code tarball} (tar, tar.gz or tar.zst) as a one-layer image for {@code platform}, tags it
     * {@code name} (name:tag) with full reference {@code fullRef}, and returns the manifest descriptor.
     * Same tarball, same image digest: created is SOURCE_DATE_EPOCH when set, else the Unix epoch.
     */
    public static Descriptor importRootfs(Store store, Path tarball, String name, String fullRef, Platform platform) {
        return importRootfs(store, tarball, name, fullRef, platform, ContainerConfig.empty());
    }

    /** As above, with a container config (e.g. from {@code --change}). */
    public static Descriptor importRootfs(
            Store store,
            Path tarball,
            String name,
            String fullRef,
            Platform platform,
            ContainerConfig containerConfig) {
        Path tmp = store.root().resolve("tmp").resolve(TempNames.of("import"));
        try {
            Digest diffId;
            MessageDigest blobHash = Digest.newSha256();
            try (InputStream raw = Files.newInputStream(tarball);
                    OutputStream file = Files.newOutputStream(tmp);
                    OutputStream hashed = new DigestOutputStream(new WriteGuard(file), blobHash);
                    GZIPOutputStream gz = fastGzip(hashed)) {
                diffId = validateAndCopy(raw, gz, tarball);
                gz.finish();
            }
            Digest blobDigest = Digest.finish("sha256", blobHash);
            Descriptor layer;
            try (InputStream in = Files.newInputStream(tmp)) {
                layer = store.putBlob(MediaType.OCI_LAYER_GZIP, in, Optional.of(blobDigest));
            }
            String created = createdTime();
            ImageConfig config = new ImageConfig(
                    Optional.of(created),
                    Optional.empty(),
                    platform,
                    containerConfig,
                    List.of(diffId),
                    List.of(new History(
                            Optional.of(created),
                            "strata import",
                            Optional.empty(),
                            Optional.of("imported from a root filesystem tarball"),
                            false)));
            byte[] cfg = config.toBytes();
            Descriptor cfgDesc = store.putBlob(MediaType.OCI_CONFIG, new ByteArrayInputStream(cfg), Optional.empty());
            Manifest m = Manifest.of(MediaType.OCI_MANIFEST, cfgDesc, List.of(layer), Map.of());
            Descriptor md =
                    store.putBlob(MediaType.OCI_MANIFEST, new ByteArrayInputStream(m.bytes()), Optional.empty());
            store.tag(name, fullRef, md);
            return md;
        } catch (NoSuchFileException e) {
            throw StrataException.input("cannot import " + tarball + ": no such file");
        } catch (WriteFailure e) {
            throw store.ioFailure("write the imported layer", e.io);
        } catch (IOException e) {
            throw store.ioFailure("import " + tarball, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // prune removes stale temp files
            }
        }
    }

    /**
     * Reads the (possibly compressed) tarball, checks every entry is readable, and writes the plain tar
     * bytes to {@code out}; returns the diffID (sha256 of the plain tar).
     */
    private static Digest validateAndCopy(InputStream raw, OutputStream out, Path tarball) {
        MessageDigest diff = Digest.newSha256();
        try {
            InputStream plain = BlobStreams.decompressed(raw);
            Tee tee = new Tee(plain, out, diff);
            TarArchiveInputStream tar = new TarArchiveInputStream(tee);
            int entries = 0;
            byte[] buf = new byte[1 << 16];
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries++;
                while (tar.read(buf) >= 0) {
                    // reading every entry to its end is what finds a truncated archive
                }
            }
            if (entries == 0) {
                throw StrataException.input(
                        "cannot import " + tarball + ": it holds no files (not a tar archive, or empty)");
            }
            // the trailing zero blocks belong to the diffID too
            while (tee.read(buf) >= 0) {
                // drain
            }
            // commons-compress takes a short header for the end; a whole tar ends in zero blocks
            if (tee.count % 512 != 0 || !tee.endsInZeroBlock()) {
                throw new EOFException(
                        "the archive ends after " + tee.count + " bytes without the end-of-archive blocks");
            }
            return Digest.finish("sha256", diff);
        } catch (WriteFailure e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw StrataException.input(
                    "cannot import " + tarball + ": it is not a readable tar archive (" + e.getMessage()
                            + "); the file is truncated or corrupt, create it again",
                    e);
        }
    }

    /** Level 1: several times faster than the default for a small size cost; fixed, so digests stay stable. */
    private static GZIPOutputStream fastGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    private static String createdTime() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        long secs = 0;
        if (epoch != null && !epoch.isBlank()) {
            try {
                secs = Long.parseLong(epoch.trim());
            } catch (NumberFormatException e) {
                throw StrataException.input("SOURCE_DATE_EPOCH='" + epoch + "' is not a number of seconds");
            }
        }
        return Instant.ofEpochSecond(secs).toString();
    }

    /** Copies what is read through to an output and a hash. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream out;
        private final MessageDigest md;
        private final byte[] tail = new byte[512];
        private long count;

        Tee(InputStream in, OutputStream out, MessageDigest md) {
            super(in);
            this.out = out;
            this.md = md;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                out.write(b, off, n);
                count += n;
                int keep = Math.min(n, tail.length);
                System.arraycopy(tail, keep, tail, 0, tail.length - keep);
                System.arraycopy(b, off + n - keep, tail, tail.length - keep, keep);
            }
            return n;
        }

        boolean endsInZeroBlock() {
            for (byte x : tail) {
                if (x != 0) {
                    return false;
                }
            }
            return count >= tail.length;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Marks failures writing our own output, so they are not blamed on the input tarball. */
    private static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient IOException io;

        WriteFailure(IOException io) {
            super(io);
            this.io = io;
        }
    }

    private static final class WriteGuard extends FilterOutputStream {
        WriteGuard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }
    }
}
