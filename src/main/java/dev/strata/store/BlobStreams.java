package dev.strata.store;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/** Stream helpers: compression detected from magic bytes, and a hashing tee. */
final class BlobStreams {
    private BlobStreams() {}

    /** Wraps {@code in} so it yields the uncompressed bytes of a gzip, zstd or plain stream. */
    static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(4);
        byte[] magic = b.readNBytes(4);
        b.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(b, 1 << 16);
        }
        if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(b);
        }
        return b;
    }

    /** Copies everything from {@code in} to {@code out}, hashing it; returns the byte count. */
    static long copy(InputStream in, OutputStream out, MessageDigest md) throws IOException {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            md.update(buf, 0, r);
            out.write(buf, 0, r);
            n += r;
        }
        return n;
    }
}
