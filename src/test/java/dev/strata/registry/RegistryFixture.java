package dev.strata.registry;

import dev.strata.oci.Digest;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;

/**
 * Debian's docker-registry (distribution 2.8) on a free 127.0.0.1 port with a temp config and temp
 * storage: plain, with htpasswd Basic auth, or with TLS from a CA generated here by openssl. Its
 * access log tells tests exactly which requests reached it.
 */
public final class RegistryFixture implements AutoCloseable {
    private static final Pattern ACCESS = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");

    private final Path dir;
    private final int port;
    private final Process process;
    private final Path certsDir;

    private RegistryFixture(Path dir, int port, Process process, Path certsDir) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.certsDir = certsDir;
    }

    /** A registry without auth or TLS. */
    public static RegistryFixture plain() {
        return start(null, false);
    }

    /** A registry demanding Basic auth of this one user (htpasswd -B). */
    public static RegistryFixture basicAuth(String user, String password) {
        return start(new String[] {user, password}, false);
    }

    /** A registry serving HTTPS with a certificate for 127.0.0.1 signed by a fresh CA ({@link #certsDir()}). */
    public static RegistryFixture tls() {
        return start(null, true);
    }

    private static RegistryFixture start(String[] user, boolean tls) {
        try {
            Path dir = Files.createTempDirectory("strata-registry-");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            StringBuilder yml = new StringBuilder();
            yml.append("version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: false\n")
                    .append("storage:\n  filesystem:\n    rootdirectory: ")
                    .append(dir.resolve("data"))
                    .append('\n')
                    .append("  delete:\n    enabled: true\n")
                    .append("http:\n  addr: 127.0.0.1:")
                    .append(port)
                    .append("\n  secret: strata-test\n");
            Path certsDir = null;
            if (tls) {
                Path pki = dir.resolve("pki");
                Files.createDirectories(pki);
                run(
                        pki,
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-keyout",
                        "ca.key",
                        "-out",
                        "ca.crt",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=strata test CA");
                run(
                        pki,
                        "openssl",
                        "req",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-keyout",
                        "server.key",
                        "-out",
                        "server.csr",
                        "-subj",
                        "/CN=127.0.0.1");
                Files.writeString(pki.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
                run(
                        pki,
                        "openssl",
                        "x509",
                        "-req",
                        "-in",
                        "server.csr",
                        "-CA",
                        "ca.crt",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-out",
                        "server.crt",
                        "-days",
                        "2",
                        "-extfile",
                        "ext.cnf");
                yml.append("  tls:\n    certificate: ")
                        .append(pki.resolve("server.crt"))
                        .append("\n    key: ")
                        .append(pki.resolve("server.key"))
                        .append('\n');
                certsDir = dir.resolve("certs.d");
                Path hostDir = certsDir.resolve("127.0.0.1:" + port);
                Files.createDirectories(hostDir);
                Files.copy(pki.resolve("ca.crt"), hostDir.resolve("ca.crt"));
            }
            if (user != null) {
                String line = run(dir, "htpasswd", "-Bbn", user[0], user[1]).trim();
                Files.writeString(dir.resolve("htpasswd"), line + "\n");
                yml.append("auth:\n  htpasswd:\n    realm: strata-test\n    path: ")
                        .append(dir.resolve("htpasswd"))
                        .append('\n');
            }
            Files.writeString(dir.resolve("config.yml"), yml);
            Process p = new ProcessBuilder(
                            "/usr/bin/docker-registry",
                            "serve",
                            dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            RegistryFixture f = new RegistryFixture(dir, port, p, certsDir);
            f.awaitReady(tls);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start docker-registry", e);
        }
    }

    private void awaitReady(boolean tls) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create((tls ? "https" : "http") + "://" + host() + "/v2/")
                        .toURL()
                        .openConnection();
                if (c instanceof HttpsURLConnection https) {
                    // readiness only: the CA is checked by the client under test, not here
                    https.setSSLSocketFactory(TrustAll.socketFactory());
                    https.setHostnameVerifier((h, s) -> true);
                }
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not answer /v2/ within 20 s");
    }

    static String run(Path cwd, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** A certs.d directory holding HOST/ca.crt (TLS registries only). */
    public Path certsDir() {
        return certsDir;
    }

    public Path storage() {
        return dir.resolve("data");
    }

    /** One line per request the registry served: "METHOD PATH STATUS". */
    /** The size of a blob the registry stores (from its storage directory), to count bytes served. */
    public long blobSize(Digest d) {
        Path data = dir.resolve("data/docker/registry/v2/blobs")
                .resolve(d.algorithm())
                .resolve(d.hex().substring(0, 2))
                .resolve(d.hex())
                .resolve("data");
        try {
            return Files.size(data);
        } catch (IOException e) {
            throw new IllegalStateException("the registry has no blob " + d, e);
        }
    }

    public List<String> accessLog() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("registry.log"))) {
                Matcher m = ACCESS.matcher(line);
                if (m.find()) {
                    out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The registry's whole log, as it wrote it. */
    public String rawLog() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The access log lines after the first {@code skip} (what one operation did). */
    public List<String> accessLogSince(int skip) {
        // the registry writes its log asynchronously to the file; give it a moment to land
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> all = accessLog();
        return all.subList(Math.min(skip, all.size()), all.size());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort; the dir is under /tmp
        }
    }
}
