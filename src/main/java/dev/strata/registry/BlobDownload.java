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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A blob written straight from the HTTP client's buffers into a channel, on the client's own
 * thread: no hand-off to a reader thread and no copy through a stream (what {@link BlobStream}
 * costs). A dropped or stalled body is resumed with {@code Range}; a response that starts before
 * what is already written is skipped up to it. Size is checked here; the sink verifies the digest.
 */
final class BlobDownload {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final Transport t;
    private final URI uri;
    private final List<String> scopes;
    private final Descriptor d;
    private final String where;
    private final WritableByteChannel out;
    // bytes written to out; guarded by this (a cancelled response may still deliver a last buffer)
    private long position;

    BlobDownload(Transport t, URI uri, List<String> scopes, Descriptor d, String where, WritableByteChannel out) {
        this.t = t;
        this.uri = uri;
        this.scopes = scopes;
        this.d = d;
        this.where = where;
        this.out = out;
    }

    void run() {
        for (int resumes = 0;; resumes++) {
            long from = written();
            Map<String, String> range = from == 0 ? Map.of() : Map.of("Range", "bytes=" + from + "-");
            String why;
            try {
                HttpResponse<InputStream> resp = t.send(Call.get(uri, scopes, range), this::subscriber);
                int status = resp.statusCode();
                if (status != 200 && status != 206) {
                    throw Errors.of(resp, t, "read blob " + d.digest() + " from " + where, "blob " + d.digest() + " of " + where);
                }
                if (written() == d.size()) {
                    return;
                }
                why = "the body ended at byte " + written() + " of " + d.size();
            } catch (java.io.UncheckedIOException e) {
                why = "the connection dropped at byte " + written() + " (" + Transport.describe(e.getCause()) + ")";
            }
            if (resumes + 1 >= t.maxAttempts()) {
                throw StrataException.registry("cannot read blob " + d.digest() + " from " + where + ": " + why + ", "
                        + (resumes + 1) + " times; " + t.registry() + " is unreliable, try again later");
            }
            t.sleep(t.backoff(resumes + 1, Optional.empty()));
        }
    }

    private synchronized long written() {
        return position;
    }

    private HttpResponse.BodySubscriber<InputStream> subscriber(HttpResponse.ResponseInfo info) {
        if (info.statusCode() == 200) {
            return new Sink(0);
        }
        if (info.statusCode() == 206) {
            Matcher m = info.headers().firstValue("Content-Range").map(CONTENT_RANGE::matcher).filter(Matcher::matches)
                    .orElse(null);
            long start = m == null ? -1 : Long.parseLong(m.group(1));
            if (start < 0 || start > written()) {
                return new Sink(registryError(t.registry() + " answered a resume of blob " + d.digest() + " (" + where
                        + ") at byte " + written() + " with the wrong range "
                        + info.headers().firstValue("Content-Range").orElse("(none)") + "; try again"));
            }
            return new Sink(start);
        }
        return HttpResponse.BodySubscribers.ofInputStream();
    }

    private static StrataException registryError(String message) {
        return StrataException.registry(message);
    }

    /** Writes one response body from byte {@code offset} of the blob on, skipping what is already there. */
    private final class Sink implements HttpResponse.BodySubscriber<InputStream> {
        private final CompletableFuture<InputStream> done = new CompletableFuture<>();
        private final StrataException refused;
        private long offset;
        private volatile Flow.Subscription subscription;
        private volatile long lastData = System.nanoTime();
        private ScheduledFuture<?> watchdog;

        Sink(long offset) {
            this.offset = offset;
            this.refused = null;
        }

        Sink(StrataException refused) {
            this.refused = refused;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (refused != null) {
                fail(refused);
                return;
            }
            // the JDK client has no body read timeout: a stalled body is cancelled, then resumed
            long period = Math.max(50, t.timeout().toMillis() / 4);
            watchdog = t.scheduler().scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastData > t.timeout().toNanos()) {
                    fail(new java.io.UncheckedIOException(new IOException("no data for " + t.timeout().toMillis() + " ms")));
                }
            }, period, period, TimeUnit.MILLISECONDS);
            done.whenComplete((v, e) -> watchdog.cancel(false));
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            lastData = System.nanoTime();
            try {
                synchronized (BlobDownload.this) {
                    for (ByteBuffer b : items) {
                        write(b);
                    }
                }
            } catch (IOException e) {
                fail(StrataException.environment("cannot write blob " + d.digest() + " of " + where + " to disk: "
                        + e.getMessage(), e));
                return;
            } catch (StrataException e) {
                fail(e);
                return;
            }
            if (!done.isDone()) {
                subscription.request(1);
            }
        }

        private void write(ByteBuffer b) throws IOException {
            if (done.isDone()) {
                return;
            }
            long skip = Math.min(b.remaining(), position - offset);
            b.position(b.position() + (int) skip);
            offset += skip;
            long n = b.remaining();
            if (position + n > d.size()) {
                throw registryError("blob " + d.digest() + " from " + where + " is longer than its " + d.size()
                        + " bytes; " + t.registry() + " sent a wrong blob");
            }
            while (b.hasRemaining()) {
                out.write(b);
            }
            position += n;
            offset += n;
        }

        private void fail(Throwable e) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            done.completeExceptionally(e);
        }

        @Override
        public void onError(Throwable e) {
            // a drop mid-body: resumed by run() with a Range from what was written, not from the start
            done.completeExceptionally(e instanceof IOException io ? new java.io.UncheckedIOException(io) : e);
        }

        @Override
        public void onComplete() {
            done.complete(InputStream.nullInputStream());
        }

        @Override
        public CompletionStage<InputStream> getBody() {
            return done;
        }
    }
}
