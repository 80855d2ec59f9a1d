package dev.strata.archive;

import com.github.luben.zstd.ZstdInputStream;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
    public static Digest extractDigesting(InputStream blob, Path target, WhiteoutMode mode, String what,
                                          Function<String, Optional<Path>> lowerFiles) {
        MessageDigest diff = Digest.newSha256();
        try {
            InputStream tarStream = new DigestInputStream(decompress(blob), diff);
            new TarApplier(target, mode, what, lowerFiles).apply(tarStream);
            tarStream.transferTo(java.io.OutputStream.nullOutputStream()); // trailing padding is part of the diffID
        } catch (StrataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw StrataException.input("layer " + what + " is corrupt or truncated (" + e.getMessage()
                    + "); fetch it again or rebuild it", e);
        }
        return Digest.finish("sha256", diff);
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
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }
}
