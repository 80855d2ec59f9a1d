package dev.strata.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip in pigz style: the input is cut into 1 MiB blocks, each deflated on its own (primed with the
 * previous 32 KiB as dictionary) and ended with a sync flush, so blocks compress in parallel yet the
 * single gzip member is byte-identical whatever the thread count.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK = 1 << 20;
    private static final int DICT = 32 * 1024;
    private static final int LEVEL = Deflater.BEST_SPEED;

    private final OutputStream out;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK];
    private int fill;
    private byte[] dict = new byte[0];
    private long total;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
        this.out = out;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strata-gzip");
            t.setDaemon(true);
            return t;
        }) : null;
        this.maxInFlight = threads * 2;
        // header: no name, mtime 0, OS unknown: nothing that varies between machines or runs
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (fill == BLOCK) {
                submit(false);
            }
            int n = Math.min(len, BLOCK - fill);
            System.arraycopy(b, off, block, fill, n);
            fill += n;
            off += n;
            len -= n;
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] data = block;
        int length = fill;
        byte[] primer = dict;
        crc.update(data, 0, length);
        total += length;
        dict = Arrays.copyOfRange(data, Math.max(0, length - DICT), length);
        block = new byte[BLOCK];
        fill = 0;
        if (pool == null) {
            out.write(deflate(data, length, primer, last));
            return;
        }
        inFlight.add(pool.submit(() -> deflate(data, length, primer, last)));
        while (inFlight.size() >= maxInFlight) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        try {
            out.write(inFlight.removeFirst().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    static byte[] deflate(byte[] data, int length, byte[] primer, boolean last) {
        Deflater d = new Deflater(LEVEL, true);
        try {
            if (primer.length > 0) {
                d.setDictionary(primer);
            }
            d.setInput(data, 0, length);
            ByteArrayOutputStream o = new ByteArrayOutputStream(length / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            if (last) {
                d.finish();
                while (!d.finished()) {
                    int n = d.deflate(buf);
                    o.write(buf, 0, n);
                }
            } else {
                int n;
                do {
                    n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    o.write(buf, 0, n);
                } while (n == buf.length || !d.needsInput());
            }
            return o.toByteArray();
        } finally {
            d.end();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                drainOne();
            }
            long c = crc.getValue();
            out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) total, (byte) (total >> 8), (byte) (total >> 16), (byte) (total >> 24)});
            out.close();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }
}
