package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A blob streamed from a registry and hashed as it is read. A dropped connection or a body that
 * ends early is resumed with {@code Range: bytes=N-}; at the end the size and digest must match the
 * descriptor, else reading fails (a {@link StrataException}, so a store's temp file is discarded).
 */
final class BlobStream extends InputStream {
    /** {@code bytes FIRST-LAST/TOTAL} of a 206 answer. */
    static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final Transport transport;
    private final URI uri;
    private final List<String> scopes;
    private final Descriptor descriptor;
    private final String where;
    private final MessageDigest hasher;
    private final boolean hash;
    private volatile InputStream body;
    // stall detection: the JDK client has no body read timeout (and its body stream ignores
    // interrupts), so a watchdog closes a body whose read has waited longer than the options'
    // timeout; the blocked read then fails and the stream resumes with Range
    private final Object watch = new Object();
    private boolean reading;
    private long readSince;
    private boolean stalled;
    private ScheduledFuture<?> watchdog;
    private long position;
    private int resumes;
    private boolean verified;

    /** @param hash false when the consumer verifies the digest itself (size and resume still apply) */
    BlobStream(Transport transport, URI uri, List<String> scopes, Descriptor descriptor, String where, boolean hash) {
        this.hash = hash;
        this.transport = transport;
        this.uri = uri;
        this.scopes = scopes;
        this.descriptor = descriptor;
        this.where = where;
        this.hasher = descriptor.digest().newHasher();
        this.body = open();
        long period = Math.max(50, transport.timeout().toMillis() / 4);
        this.watchdog =
                transport.scheduler().scheduleAtFixedRate(this::checkStall, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkStall() {
        synchronized (watch) {
            if (reading
                    && !stalled
                    && System.nanoTime() - readSince > transport.timeout().toNanos()) {
                stalled = true;
                closeQuietly();
            }
        }
    }

    private int timedRead(byte[] b, int off, int len) throws IOException {
        synchronized (watch) {
            reading = true;
            readSince = System.nanoTime();
        }
        try {
            return body.read(b, off, len);
        } finally {
            synchronized (watch) {
                reading = false;
                if (stalled) {
                    stalled = false;
                    throw new IOException("no data for " + transport.timeout().toMillis() + " ms");
                }
            }
        }
    }

    private InputStream open() {
        Map<String, String> headers = position == 0 ? Map.of() : Map.of("Range", "bytes=" + position + "-");
        HttpResponse<InputStream> resp = transport.send(Call.get(uri, scopes, headers));
        int status = resp.statusCode();
        if (status == 206 && position > 0) {
            Optional<String> range = resp.headers().firstValue("Content-Range");
            Matcher m =
                    range.map(CONTENT_RANGE::matcher).filter(Matcher::matches).orElse(null);
            if (m == null || Long.parseLong(m.group(1)) != position) {
                Transport.discard(resp);
                throw StrataException.registry(transport.registry() + " answered a resume of blob "
                        + descriptor.digest() + " (" + where + ") at byte " + position + " with the wrong range "
                        + range.orElse("(none)") + "; try again");
            }
            return resp.body();
        }
        if (status == 200) {
            InputStream in = resp.body();
            if (position > 0) {
                // the registry ignored Range: skip what was already hashed
                try {
                    long skipped = in.skip(position);
                    while (skipped < position) {
                        if (in.read() < 0) {
                            break;
                        }
                        skipped++;
                    }
                } catch (IOException e) {
                    return failedOpen(in);
                }
            }
            return in;
        }
        throw Errors.of(
                resp,
                transport,
                "read blob " + descriptor.digest() + " from " + where,
                "blob " + descriptor.digest() + " of " + where);
    }

    private InputStream failedOpen(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the resume loop will try again
        }
        return InputStream.nullInputStream();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = timedRead(b, off, len);
            } catch (IOException e) {
                resume("the connection dropped (" + Transport.describe(e) + ")");
                continue;
            }
            if (n > 0) {
                position += n;
                if (position > descriptor.size()) {
                    throw StrataException.registry(
                            "blob " + descriptor.digest() + " from " + where + " is longer than its "
                                    + descriptor.size() + " bytes; " + transport.registry() + " sent a wrong blob");
                }
                if (hash) {
                    hasher.update(b, off, n);
                }
                return n;
            }
            if (n < 0) {
                if (position < descriptor.size()) {
                    resume("the body ended at byte " + position + " of " + descriptor.size());
                    continue;
                }
                watchdog.cancel(false);
                verify();
                return -1;
            }
        }
    }

    private void resume(String why) {
        try {
            resumeOnce(why);
        } catch (RuntimeException e) {
            watchdog.cancel(false);
            throw e;
        }
    }

    private void resumeOnce(String why) {
        closeQuietly();
        if (++resumes >= transport.maxAttempts()) {
            throw StrataException.registry("cannot read blob " + descriptor.digest() + " from " + where + ": " + why
                    + ", " + resumes + " times; " + transport.registry() + " is unreliable, try again later");
        }
        transport.sleep(transport.backoff(resumes, Optional.empty()));
        body = open();
    }

    private void verify() {
        if (verified || !hash) {
            return;
        }
        Digest actual = Digest.finish(descriptor.digest().algorithm(), hasher);
        if (!actual.equals(descriptor.digest())) {
            throw StrataException.registry(
                    "blob " + descriptor.digest() + " from " + where + " does not match its digest (got " + actual
                            + "); " + transport.registry() + " sent corrupt data, nothing was kept");
        }
        verified = true;
    }

    private void closeQuietly() {
        try {
            body.close();
        } catch (IOException ignored) {
            // a broken connection may fail to close; it is abandoned either way
        }
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        closeQuietly();
    }
}
