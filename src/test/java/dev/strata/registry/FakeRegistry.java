package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP server on 127.0.0.1 for the faults a real registry won't produce (429 storms,
 * 500s, dropped connections, lying bodies) and for the token protocol. Routes are METHOD + path.
 */
public final class FakeRegistry implements AutoCloseable {
    /** One recorded request. */
    public record Req(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** Answers the n-th (from 1) request of its route. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange ex, int nth) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-registry");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<Req> requests = new CopyOnWriteArrayList<>();

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.add(new Req(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(),
                    Map.copyOf(ex.getRequestHeaders()),
                    new String(body, StandardCharsets.ISO_8859_1)));
            Handler h = routes.get(key);
            try {
                if (h == null) {
                    send(
                            ex,
                            404,
                            "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"no route\"}]}"
                                    .getBytes(StandardCharsets.UTF_8));
                } else {
                    h.handle(
                            ex,
                            hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                }
            } finally {
                ex.close();
            }
        });
        // many threads: parallel clients must be able to overlap, as against a real registry
        server.setExecutor(pool);
        server.start();
    }

    public void on(String method, String path, Handler h) {
        routes.put(method + " " + path, h);
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Req> requests() {
        return List.copyOf(requests);
    }

    public List<Req> requests(String method, String path) {
        return requests.stream()
                .filter(r -> r.method().equals(method) && r.path().equals(path))
                .toList();
    }

    /**
     * Answers 200 for all of {@code blob} but sends only its first {@code bytes}, waits {@code pauseMillis}
     * (a short pause lets the client read them; a long one is a stalled body), then drops the connection.
     */
    public static void sendPartThenDrop(HttpExchange ex, byte[] blob, int bytes, long pauseMillis) throws IOException {
        ex.sendResponseHeaders(200, blob.length);
        OutputStream out = ex.getResponseBody();
        out.write(blob, 0, bytes);
        out.flush();
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("dropped the connection after " + bytes + " bytes");
    }

    public static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
        }
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
