package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * A blob written from the HTTP client's buffers straight into a channel: no copy through a stream's
 * byte array and no lock-step of one 16 KiB buffer at a time (what {@link BlobStream} costs). A dropped or stalled body is resumed with {@code Range}; a response that starts before
 * what is already written is skipped up to it. Size is checked here; the sink verifies the digest.
 */
final class BlobDownload {
    private final Transport t;
    private final URI uri;
    private final List<String> scopes;
    private final Descriptor d;
    private final String where;
    private final WritableByteChannel out;
    // bytes written to out, and the body being received: used by the thread that called run()
    private long position;
    private Sink current;

    BlobDownload(Transport t, URI uri, List<String> scopes, Descriptor d, String where, WritableByteChannel out) {
        this.t = t;
        this.uri = uri;
        this.scopes = scopes;
        this.d = d;
        this.where = where;
        this.out = out;
    }

    void run() {
        for (int resumes = 0; ; resumes++) {
            long from = position;
            Map<String, String> range = from == 0 ? Map.of() : Map.of("Range", "bytes=" + from + "-");
            String why;
            HttpResponse<InputStream> resp = t.send(Call.get(uri, scopes, range), this::subscriber);
            int status = resp.statusCode();
            if (status != 200 && status != 206) {
                throw Errors.of(
                        resp, t, "read blob " + d.digest() + " from " + where, "blob " + d.digest() + " of " + where);
            }
            try {
                current.drain();
                if (position == d.size()) {
                    return;
                }
                why = "the body ended at byte " + position + " of " + d.size();
            } catch (IOException e) {
                why = "the connection dropped at byte " + position + " (" + Transport.describe(e) + ")";
            }
            if (resumes + 1 >= t.maxAttempts()) {
                throw StrataException.registry("cannot read blob " + d.digest() + " from " + where + ": " + why + ", "
                        + (resumes + 1) + " times; " + t.registry() + " is unreliable, try again later");
            }
            t.sleep(t.backoff(resumes + 1, Optional.empty()));
        }
    }

    private HttpResponse.BodySubscriber<InputStream> subscriber(HttpResponse.ResponseInfo info) {
        if (info.statusCode() == 200) {
            current = new Sink(0);
            return current;
        }
        if (info.statusCode() == 206) {
            Matcher m = info.headers()
                    .firstValue("Content-Range")
                    .map(BlobStream.CONTENT_RANGE::matcher)
                    .filter(Matcher::matches)
                    .orElse(null);
            long start = m == null ? -1 : Long.parseLong(m.group(1));
            if (start < 0 || start > position) {
                throw StrataException.registry(t.registry() + " answered a resume of blob " + d.digest() + " (" + where
                        + ") at byte " + position + " with the wrong range "
                        + info.headers().firstValue("Content-Range").orElse("(none)") + "; try again");
            }
            current = new Sink(start);
            return current;
        }
        return HttpResponse.BodySubscribers.ofInputStream();
    }

    /**
     * Queues one response body's buffers for {@link #drain}, on the thread that called {@link #run}:
     * the client's selector thread only hands buffers over (it serves every transfer), while hashing
     * and writing run on one thread per blob. A few buffers are requested ahead so the socket keeps
     * being read while the disk is written.
     */
    private final class Sink implements HttpResponse.BodySubscriber<InputStream> {
        private static final int AHEAD = 4;
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final CompletableFuture<InputStream> headers =
                CompletableFuture.completedFuture(InputStream.nullInputStream());
        private long offset;
        private volatile Flow.Subscription subscription;

        Sink(long offset) {
            this.offset = offset;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(AHEAD);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            queue.add(items);
        }

        @Override
        public void onError(Throwable e) {
            queue.add(e);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        @Override
        public CompletionStage<InputStream> getBody() {
            // the body is consumed by drain(), not through this stage
            return headers;
        }

        /** Writes the body's buffers until it ends; an IOException when it drops or stalls (then resumed). */
        void drain() throws IOException {
            try {
                while (true) {
                    Object next = queue.poll(t.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    if (next == null) {
                        // the JDK client has no body read timeout: a stalled body is dropped and resumed
                        throw new IOException("no data for " + t.timeout().toMillis() + " ms");
                    }
                    if (next == END) {
                        return;
                    }
                    if (next instanceof Throwable e) {
                        throw e instanceof IOException io ? io : new IOException(e);
                    }
                    @SuppressWarnings("unchecked")
                    List<ByteBuffer> items = (List<ByteBuffer>) next;
                    for (ByteBuffer b : items) {
                        write(b);
                    }
                    subscription.request(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                subscription.cancel();
                throw StrataException.registry("interrupted while reading blob " + d.digest() + " from " + where);
            } catch (IOException | RuntimeException e) {
                subscription.cancel();
                throw e;
            }
        }

        private void write(ByteBuffer b) throws IOException {
            long skip = Math.min(b.remaining(), position - offset);
            b.position(b.position() + (int) skip);
            offset += skip;
            long n = b.remaining();
            if (position + n > d.size()) {
                throw StrataException.registry("blob " + d.digest() + " from " + where + " is longer than its "
                        + d.size() + " bytes; " + t.registry() + " sent a wrong blob");
            }
            try {
                while (b.hasRemaining()) {
                    out.write(b);
                }
            } catch (IOException e) {
                throw StrataException.environment(
                        "cannot write blob " + d.digest() + " of " + where + ": " + e.getMessage(), e);
            }
            position += n;
            offset += n;
        }
    }
}
