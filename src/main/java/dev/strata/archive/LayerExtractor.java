package dev.strata.archive;

import com.github.luben.zstd.ZstdInputStream;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads a layer blob (gzip, zstd or plain tar, told apart by magic bytes) into a directory. No entry
 * may land outside the target: escaping names, symlinked parents and outside hardlinks are refused.
 */
public final class LayerExtractor {
    private LayerExtractor() {}

    /** Extracts {@code blob} into {@code target}; StrataException(INPUT) naming {@code what} on bad input. */
    public static void extract(InputStream blob, Path target, WhiteoutMode mode, String what) {
        extractDigesting(blob, target, mode, what);
    }

    /**
     * Like {@link #extract} and returns the sha256 of the uncompressed tar (the diffID) as read, so
     * callers can verify a layer without a second pass.
     */
    public static Digest extractDigesting(InputStream blob, Path target, WhiteoutMode mode, String what) {
        return extractDigesting(blob, target, mode, what, name -> Optional.empty());
    }

    /**
     * Like {@link #extractDigesting(InputStream, Path, WhiteoutMode, String)}; a hardlink whose target
     * is not in this layer is looked up with {@code lowerFiles} (absolute path in the image, e.g.
     * {@code /usr/bin/x}, to the file in a lower layer's tree) and copied, as a layer unpacked on its
     * own cannot link across layers. Without a hit the link is refused as before.
     */
    public static Digest extractDigesting(
            InputStream blob,
            Path target,
            WhiteoutMode mode,
            String what,
            Function<String, Optional<Path>> lowerFiles) {
        return extractDigesting(blob, target, mode, what, lowerFiles, Optional.empty());
    }

    /**
     * Like {@link #extractDigesting(InputStream, Path, WhiteoutMode, String, Function)}, adding every
     * entry to {@code skeleton} as it is read (the caller finishes it once the diffID checks out).
     */
    public static Digest extractDigesting(
            InputStream blob,
            Path target,
            WhiteoutMode mode,
            String what,
            Function<String, Optional<Path>> lowerFiles,
            Optional<LayerSkeleton> skeleton) {
        return readDigesting(blob, what, tar -> new TarApplier(target, mode, what, lowerFiles).apply(tar, skeleton));
    }

    /** What reads a layer's uncompressed tar stream (entries; the end is drained and checked after it). */
    interface TarReader {
        void read(InputStream tar) throws IOException;
    }

    /**
     * Runs {@code reader} over the uncompressed tar of {@code blob}, then checks that the tar ended
     * properly; returns its sha256 (the diffID). A bad stream is StrataException(INPUT) naming {@code what}.
     */
    static Digest readDigesting(InputStream blob, String what, TarReader reader) {
        MessageDigest diff = Digest.newSha256();
        try {
            TailCheck tail = new TailCheck(new DigestInputStream(decompress(blob), diff));
            reader.read(tail);
            tail.transferTo(OutputStream.nullOutputStream()); // trailing padding is part of the diffID
            if (!tail.endsLikeATar()) {
                // commons-compress takes EOF at an entry boundary (or mid-header) as the end; a real
                // tar ends with zero blocks, so this is a cut-off stream
                throw StrataException.input("layer " + what + " is truncated: the tar stops after " + tail.total
                        + " bytes without its end-of-archive blocks; fetch it again or rebuild it");
            }
        } catch (StrataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw StrataException.input(
                    "layer " + what + " is corrupt or truncated (" + e.getMessage() + "); fetch it again or rebuild it",
                    e);
        }
        return Digest.finish("sha256", diff);
    }

    /** Counts the bytes read and where the last non-zero byte was. */
    private static final class TailCheck extends FilterInputStream {
        long total;
        long lastNonZeroEnd;

        TailCheck(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                total++;
                if (b != 0) {
                    lastNonZeroEnd = total;
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            for (int i = n - 1; i >= 0; i--) {
                if (b[off + i] != 0) {
                    lastNonZeroEnd = total + i + 1;
                    break;
                }
            }
            total += Math.max(n, 0);
            return n;
        }

        /** Reads instead of skipping, so skipped bytes are digested and counted too. */
        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            int r = read(new byte[(int) Math.min(n, 8192)]);
            return Math.max(r, 0);
        }

        /** Whole blocks and at least one zero block at the end (or nothing at all: an empty layer). */
        boolean endsLikeATar() {
            return total == 0 || (total % 512 == 0 && total - lastNonZeroEnd >= 512);
        }
    }

    /** Wraps the stream in the decompressor its magic bytes call for. */
    public static InputStream decompress(InputStream blob) throws IOException {
        BufferedInputStream in = new BufferedInputStream(blob, 1 << 16);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }
}
