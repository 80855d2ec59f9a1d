package dev.strata.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest distribution-API registry a push and a pull need (blobs, uploads, mounts, manifests),
 * in memory on 127.0.0.1, for {@link ClassDataTraining}: the training must run strata's real registry
 * code, and a user's machine has no registry to run it against. Not a registry for anything else.
 */
final class TrainingRegistry implements AutoCloseable {
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
    private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]{36})");
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");

    private record Manifest(String mediaType, byte[] bytes, String digest) {}

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();

    private TrainingRegistry(HttpServer server) {
        this.server = server;
    }

    static TrainingRegistry start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        TrainingRegistry registry = new TrainingRegistry(server);
        server.createContext("/", registry::handle);
        server.start();
        return registry;
    }

    /** host:port, a loopback address strata talks plain HTTP to. */
    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            Matcher m;
            if (path.equals("/v2/")) {
                reply(ex, 200, "{}".getBytes(), method);
            } else if ((m = UPLOAD.matcher(path)).matches()) {
                upload(ex, m.group(1), m.group(2), method, body);
            } else if ((m = UPLOADS.matcher(path)).matches() && method.equals("POST")) {
                startUpload(ex, m.group(1));
            } else if ((m = BLOB.matcher(path)).matches()) {
                byte[] blob = blobs.get(m.group(2));
                ex.getResponseHeaders().set("Docker-Content-Digest", m.group(2));
                reply(ex, blob == null ? 404 : 200, blob == null ? error("BLOB_UNKNOWN") : blob, method);
            } else if ((m = MANIFEST.matcher(path)).matches()) {
                manifest(ex, m.group(1) + ":" + m.group(2), m.group(1), method, body);
            } else {
                reply(ex, 404, error("NAME_UNKNOWN"), method);
            }
        }
    }

    private void startUpload(HttpExchange ex, String repo) throws IOException {
        String query = ex.getRequestURI().getQuery();
        if (query != null && query.contains("mount=")) {
            String digest = query.replaceAll(".*mount=([^&]+).*", "$1").replace("%3A", ":");
            if (blobs.containsKey(digest)) {
                ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + digest);
                ex.getResponseHeaders().set("Docker-Content-Digest", digest);
                reply(ex, 201, new byte[0], "POST");
                return;
            }
        }
        String id = UUID.randomUUID().toString();
        uploads.put(id, new ByteArrayOutputStream());
        ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + id);
        ex.getResponseHeaders().set("Range", "0-0");
        reply(ex, 202, new byte[0], "POST");
    }

    private void upload(HttpExchange ex, String repo, String id, String method, byte[] body) throws IOException {
        ByteArrayOutputStream data = uploads.get(id);
        if (data == null) {
            reply(ex, 404, error("BLOB_UPLOAD_UNKNOWN"), method);
            return;
        }
        data.write(body);
        if (method.equals("PATCH")) {
            ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + id);
            ex.getResponseHeaders().set("Range", "0-" + (data.size() - 1));
            reply(ex, 202, new byte[0], method);
            return;
        }
        String query = ex.getRequestURI().getQuery();
        String digest = query == null
                ? ""
                : query.replaceAll(".*digest=([^&]+).*", "$1").replace("%3A", ":");
        byte[] bytes = data.toByteArray();
        if (!digest.equals(sha256(bytes))) {
            reply(ex, 400, error("DIGEST_INVALID"), method);
            return;
        }
        uploads.remove(id);
        blobs.put(digest, bytes);
        ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + digest);
        ex.getResponseHeaders().set("Docker-Content-Digest", digest);
        reply(ex, 201, new byte[0], method);
    }

    private void manifest(HttpExchange ex, String key, String repo, String method, byte[] body) throws IOException {
        if (method.equals("PUT")) {
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            Manifest m = new Manifest(type, body, sha256(body));
            manifests.put(key, m);
            manifests.put(repo + ":" + m.digest(), m);
            ex.getResponseHeaders().set("Docker-Content-Digest", m.digest());
            ex.getResponseHeaders().set("Location", "/v2/" + repo + "/manifests/" + m.digest());
            reply(ex, 201, new byte[0], method);
            return;
        }
        Manifest m = manifests.get(key);
        if (m == null) {
            reply(ex, 404, error("MANIFEST_UNKNOWN"), method);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", m.mediaType());
        ex.getResponseHeaders().set("Docker-Content-Digest", m.digest());
        reply(ex, 200, m.bytes(), method);
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String method) throws IOException {
        if (method.equals("HEAD") || body.length == 0) {
            // HEAD says how long the body would be; a length of -1 tells the server to send none
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] error(String code) {
        return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"training registry\"}]}").getBytes();
    }

    private static String sha256(byte[] bytes) {
        return Digest.sha256(bytes).toString();
    }
}
