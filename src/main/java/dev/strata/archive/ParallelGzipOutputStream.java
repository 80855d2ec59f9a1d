package dev.strata.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
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
    private final ArrayDeque<FutureTask<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK];
    private int fill;
    private byte[] dict = new byte[0];
    private long total;
    private boolean closed;
    /** One Deflater per compressing thread, reused block after block: init costs more than reset. */
    private final List<Deflater> allDeflaters = Collections.synchronizedList(new ArrayList<>());

    private final ThreadLocal<Deflater> deflaters = ThreadLocal.withInitial(() -> {
        Deflater d = new Deflater(LEVEL, true);
        allDeflaters.add(d);
        return d;
    });

    ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
        this.out = out;
        this.pool = threads > 1
                ? Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "strata-gzip");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        // a deep queue, drained by half at a time: the writer thread then sleeps once per several
        // blocks, and the compressors still have work queued while it waits to be scheduled again
        // (on a busy machine that wait is longer than a block takes to compress)
        this.maxInFlight = threads * 4;
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
            out.write(deflate(deflaters.get(), data, length, primer, last));
            return;
        }
        FutureTask<byte[]> task = new FutureTask<>(() -> deflate(deflaters.get(), data, length, primer, last));
        inFlight.add(task);
        pool.execute(task);
        if (inFlight.size() < maxInFlight) {
            return;
        }
        while (inFlight.size() > maxInFlight / 2) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        // rather than sleep until the oldest block is done, compress queued blocks here: run() returns
        // at once for a block a compressor thread has taken, so each block is still deflated once
        FutureTask<byte[]> oldest = inFlight.peekFirst();
        for (FutureTask<byte[]> t : inFlight) {
            if (oldest.isDone()) {
                break;
            }
            t.run();
        }
        try {
            out.write(inFlight.removeFirst().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Deflates one block with {@code d} (reset first, so a reused Deflater starts like a new one).
     * Output goes straight into one array sized for the worst case (stored blocks) to avoid copies.
     */
    static byte[] deflate(Deflater d, byte[] data, int length, byte[] primer, boolean last) {
        d.reset();
        if (primer.length > 0) {
            d.setDictionary(primer);
        }
        d.setInput(data, 0, length);
        if (last) {
            d.finish();
        }
        byte[] o = new byte[length + (length >> 7) + 64];
        int n = 0;
        while (true) {
            n += d.deflate(o, n, o.length - n, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
            boolean done = last ? d.finished() : n < o.length && d.needsInput();
            if (done) {
                return n == o.length ? o : Arrays.copyOf(o, n);
            }
            if (n == o.length) {
                o = Arrays.copyOf(o, o.length * 2);
            }
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
            out.write(new byte[] {
                (byte) c,
                (byte) (c >> 8),
                (byte) (c >> 16),
                (byte) (c >> 24),
                (byte) total,
                (byte) (total >> 8),
                (byte) (total >> 16),
                (byte) (total >> 24)
            });
            out.close();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            synchronized (allDeflaters) {
                allDeflaters.forEach(Deflater::end); // native memory: do not wait for the GC
            }
        }
    }
}
