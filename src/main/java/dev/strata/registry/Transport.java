package dev.strata.registry;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends {@link Call}s to one registry: authentication on challenge, redirects followed by hand
 * (the Authorization header is dropped when the host changes, as S3 presigned URLs require), and
 * retries with jittered exponential backoff on 408/429/5xx and connection failures, honouring
 * Retry-After.
 */
final class Transport {
    private static final Set<Integer> RETRIABLE = Set.of(408, 429, 500, 502, 503, 504);
    private static final int MAX_REDIRECTS = 10;
    /** Bytes per second an upload may not fall below (256 KiB/s, a slow ADSL uplink). */
    static final long MIN_UPLOAD_RATE = 256 << 10;

    private final String registry;
    private final URI base;
    private final HttpClient client;
    private final Authenticator auth;
    private final RegistryOptions options;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;

    Transport(
            String registry,
            URI base,
            HttpClient client,
            Supplier<Optional<Credential>> credential,
            RegistryOptions options) {
        this.registry = registry;
        this.base = base;
        this.client = client;
        this.options = options;
        this.auth = new Authenticator(registry, credential, () -> client, options.timeout());
    }

    String registry() {
        return registry;
    }

    Authenticator auth() {
        return auth;
    }

    /** {@code base + path}, path starting with /v2/. */
    URI url(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    /** Requests sent so far, by method (every attempt counts): how tests see "only HEADs". */
    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Sends a call; the caller reads (and closes) the body and interprets the final status. */
    HttpResponse<InputStream> send(Call call) {
        return send(call, HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Like {@link #send(Call)} with a chosen body handler (e.g. one that writes a blob straight to a
     * file); a {@link StrataException} the handler fails with is rethrown as it is, not retried.
     */
    HttpResponse<InputStream> send(Call call, HttpResponse.BodyHandler<InputStream> handler) {
        URI uri = call.uri();
        boolean authRetried = false;
        int redirects = 0;
        int attempt = 1;
        String method = call.method();
        while (true) {
            boolean sameHost = sameOrigin(uri);
            HttpRequest.BodyPublisher body = call.hasBody() && method.equals(call.method())
                    ? call.body().get()
                    : HttpRequest.BodyPublishers.noBody();
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(uri).method(method, body).timeout(timeout(body));
            call.headers().forEach(b::header);
            b.header("User-Agent", "strata");
            if (sameHost) {
                auth.header(call.scopes()).ifPresent(h -> b.header("Authorization", h));
            }
            HttpResponse<InputStream> resp;
            counts.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
            try {
                resp = client.send(b.build(), handler);
            } catch (HttpTimeoutException e) {
                // a hung registry: the request is sent again (uploads from a fresh stream), then given up
                if (attempt < options.maxAttempts()) {
                    sleep(backoff(attempt++, Optional.empty()));
                    continue;
                }
                throw StrataException.registry(
                        registry + " did not answer " + call.method() + " " + uri.getPath()
                                + " within "
                                + String.format(
                                        Locale.ROOT, "%.1f", timeout(body).toMillis() / 1000.0) + " s, " + attempt
                                + " times; the registry is hung"
                                + " or overloaded, try again later",
                        e);
            } catch (IOException e) {
                for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                    if (c instanceof StrataException se) {
                        throw se;
                    }
                }
                if (attempt < options.maxAttempts()) {
                    sleep(backoff(attempt++, Optional.empty()));
                    continue;
                }
                throw StrataException.registry(
                        "cannot reach " + registry + " (" + call.method() + " "
                                + uri.getPath() + ") after " + attempt + " attempts: " + describe(e)
                                + "; check the registry address and your network",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StrataException.registry("interrupted while talking to " + registry);
            }
            int status = resp.statusCode();
            if (status == 401 && sameHost && !authRetried) {
                discard(resp);
                authRetried = true;
                if (auth.onUnauthorized(resp.headers(), call.scopes())) {
                    continue;
                }
                return resp;
            }
            Optional<String> location = resp.headers().firstValue("Location");
            if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && location.isPresent()
                    && redirects < MAX_REDIRECTS) {
                discard(resp);
                redirects++;
                uri = uri.resolve(location.get());
                if (status == 303 && !method.equals("HEAD")) {
                    method = "GET";
                }
                continue;
            }
            if (RETRIABLE.contains(status) && attempt < options.maxAttempts()) {
                Optional<String> retryAfter = resp.headers().firstValue("Retry-After");
                discard(resp);
                sleep(backoff(attempt++, retryAfter));
                continue;
            }
            return resp;
        }
    }

    /**
     * How long a request may take until its response headers arrive. The JDK counts the upload of
     * the body in that time, so a body adds its size at a floor rate ({@link #MIN_UPLOAD_RATE}):
     * bounded (a hung registry fails), yet a slow uplink is not cut off mid-chunk. Bodies are at most
     * one upload chunk, so the bound stays finite even when the length is unknown.
     */
    Duration timeout(HttpRequest.BodyPublisher body) {
        long len = body.contentLength();
        long bytes = len >= 0 ? len : options.chunkSize();
        return options.timeout().plusMillis(bytes * 1000 / MIN_UPLOAD_RATE);
    }

    private boolean sameOrigin(URI uri) {
        return base.getHost().equalsIgnoreCase(uri.getHost())
                && port(base) == port(uri)
                && base.getScheme().equalsIgnoreCase(uri.getScheme());
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Jittered exponential backoff (full jitter on the upper half), or what Retry-After asks, capped at 60 s. */
    Duration backoff(int attempt, Optional<String> retryAfter) {
        if (retryAfter.isPresent()) {
            Optional<Duration> asked = parseRetryAfter(retryAfter.get());
            if (asked.isPresent()) {
                return asked.get().compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : asked.get();
            }
        }
        long baseMs = options.backoff().toMillis() << Math.min(attempt - 1, 10);
        long capped = Math.min(baseMs, 10_000);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
    }

    void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.registry("interrupted while waiting to retry " + registry);
        }
    }

    static void discard(HttpResponse<InputStream> resp) {
        try (InputStream in = resp.body()) {
            in.readNBytes(1 << 16);
        } catch (IOException ignored) {
            // the connection is dropped; nothing of it is needed
        }
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    Duration timeout() {
        return options.timeout();
    }

    /** One daemon thread per registry that watches blob streams for stalls. */
    ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            synchronized (this) {
                if (scheduler == null) {
                    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "strata-registry-watchdog " + registry);
                        t.setDaemon(true);
                        return t;
                    });
                    s.setRemoveOnCancelPolicy(true);
                    scheduler = s;
                }
            }
        }
        return scheduler;
    }

    int maxAttempts() {
        return options.maxAttempts();
    }

    HttpClient client() {
        return client;
    }
}
