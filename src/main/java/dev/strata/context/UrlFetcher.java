package dev.strata.context;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Downloads an ADD http(s) source, verifying {@code --checksum} while the bytes stream in. */
final class UrlFetcher {
    private static final Pattern DISPOSITION = Pattern.compile("filename\\s*=\\s*\"?([^\";]+)\"?");

    /** A downloaded file: where it is, the name docker would give it, its Last-Modified time. */
    record Download(Path file, String filename, Optional<Long> lastModifiedNanos) {}

    private UrlFetcher() {}

    static Download fetch(String url, Optional<Digest> checksum, Path scratchDir) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw StrataException.input("ADD: invalid URL '" + url + "': " + e.getMessage());
        }
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpRequest req = HttpRequest.newBuilder(uri).GET().build();
        Path tmp = null;
        try {
            Files.createDirectories(scratchDir);
            tmp = Files.createTempFile(scratchDir, "add-", ".download");
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest md = checksum.map(Digest::newHasher).orElse(null);
            try (InputStream in = resp.body();
                    OutputStream out = Files.newOutputStream(tmp)) {
                if (resp.statusCode() / 100 != 2) {
                    throw StrataException.stepFailed(
                            "ADD " + url + ": the server answered HTTP " + resp.statusCode() + "; check the URL");
                }
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (md != null) {
                        md.update(buf, 0, n);
                    }
                }
            }
            if (md != null) {
                Digest got = Digest.finish(checksum.get().algorithm(), md);
                if (!got.equals(checksum.get())) {
                    // the Dockerfile's --checksum and the content disagree: input to fix, not a failed step
                    throw StrataException.input("ADD " + url + ": checksum mismatch: expected " + checksum.get()
                            + " but the download is " + got + "; update --checksum if the file changed on purpose");
                }
            }
            return new Download(tmp, filename(uri, resp), lastModified(resp));
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new StrataException(
                    ExitCode.STEP_FAILED,
                    "ADD " + url + ": download failed: " + e.getMessage() + "; check the URL and the network",
                    e);
        } catch (InterruptedException e) {
            deleteQuietly(tmp);
            Thread.currentThread().interrupt();
            throw StrataException.stepFailed("ADD " + url + ": download interrupted");
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static String filename(URI uri, HttpResponse<?> resp) {
        Optional<String> cd = resp.headers().firstValue("Content-Disposition");
        if (cd.isPresent()) {
            Matcher m = DISPOSITION.matcher(cd.get());
            if (m.find()) {
                String name = GoPath.base(GoPath.clean("/" + m.group(1).strip()));
                if (!name.equals("/")) {
                    return name;
                }
            }
        }
        String path = uri.getPath() == null ? "" : GoPath.rooted(uri.getPath());
        String base = GoPath.base(path);
        return base.equals("/") ? "index" : base;
    }

    private static Optional<Long> lastModified(HttpResponse<?> resp) {
        return resp.headers().firstValue("Last-Modified").flatMap(v -> {
            try {
                ZonedDateTime t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Optional.of(t.toInstant().getEpochSecond() * 1_000_000_000L);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: the scratch directory is removed by the caller anyway
            }
        }
    }
}
