package dev.strata.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;

/** A channel that hashes what it passes on: a blob is digested in the same pass that writes it. */
final class HashingChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private final MessageDigest md;
    private long written;

    HashingChannel(WritableByteChannel out, MessageDigest md) {
        this.out = out;
        this.md = md;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer view = src.duplicate();
        int n = out.write(src);
        // only what the file took is hashed: a short write leaves the rest for the next call
        view.limit(view.position() + n);
        md.update(view);
        written += n;
        return n;
    }

    long written() {
        return written;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        // the store closes the file itself, after fsync
    }
}
