package dev.strata.registry;

import dev.strata.error.StrataException;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Where a registry's API lives and how to reach it: Docker Hub's API host, plain HTTP for insecure
 * and loopback registries (unless a CA directory exists for them), and the CA certificates of
 * {@code CERTS_DIR/HOST/*.crt} trusted on top of the JDK's own.
 */
final class Endpoints {
    private Endpoints() {}

    static String apiHost(String registry) {
        return registry.equals(Reference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    static boolean isLoopback(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            host = host.substring(0, host.indexOf(']') + 1);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    static Path caDir(RegistryOptions options, String registry) {
        return options.certsDir().resolve(registry);
    }

    static boolean plainHttp(RegistryOptions options, String registry) {
        if (Files.isDirectory(caDir(options, registry))) {
            return false;
        }
        return options.insecureRegistries().contains(registry) || isLoopback(registry);
    }

    static URI base(RegistryOptions options, String registry) {
        return URI.create((plainHttp(options, registry) ? "http://" : "https://") + apiHost(registry) + "/");
    }

    private static final String BUFSIZE = "jdk.httpclient.bufsize";

    static HttpClient client(RegistryOptions options, String registry) {
        // the JDK client reads the socket in 16 KiB buffers by default, each handed to the reading
        // thread separately: for blobs that costs about a third more CPU than 256 KiB reads
        if (System.getProperty(BUFSIZE) == null) {
            System.setProperty(BUFSIZE, Integer.toString(256 << 10));
        }
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.timeout());
        if (plainHttp(options, registry)) {
            // no h2c upgrade dance on plain HTTP: registries speak HTTP/1.1 there
            b.version(HttpClient.Version.HTTP_1_1);
            // TLS only for a redirect to HTTPS storage: made then, not at start-up (empty parameters
            // keep the default protocols and ciphers, which the client would otherwise ask for now)
            b.sslContext(new LazySslContext()).sslParameters(new SSLParameters());
        } else {
            b.version(HttpClient.Version.HTTP_2);
            List<X509Certificate> cas = loadCas(caDir(options, registry));
            if (!cas.isEmpty()) {
                b.sslContext(sslContext(cas, registry));
            }
        }
        return b.build();
    }

    private static List<X509Certificate> loadCas(Path dir) {
        List<X509Certificate> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".crt"))
                    .sorted()
                    .toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    for (Certificate c : cf.generateCertificates(in)) {
                        out.add((X509Certificate) c);
                    }
                } catch (CertificateException e) {
                    throw StrataException.input(
                            "the CA certificate " + p + " is not a PEM X.509 certificate: " + e.getMessage());
                }
            }
        } catch (IOException | CertificateException e) {
            throw StrataException.environment("cannot read CA certificates from " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static SSLContext sslContext(List<X509Certificate> cas, String registry) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            X509TrustManager custom = trustManager(ks);
            X509TrustManager system = trustManager(null);
            X509TrustManager both = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    system.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        custom.checkServerTrusted(chain, authType);
                    } catch (CertificateException notOurs) {
                        system.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return Stream.concat(Stream.of(custom.getAcceptedIssuers()), Stream.of(system.getAcceptedIssuers()))
                            .toArray(X509Certificate[]::new);
                }
            };
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {both}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw StrataException.environment("cannot set up TLS for " + registry + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }
}
