package dev.strata.context;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A build context that is not a local directory, as {@code docker build} takes it: {@code -} (a
 * tar, possibly compressed, or a lone Dockerfile on stdin), an http(s) URL of a tarball (or of a
 * Dockerfile), or a git repository ({@link GitContext}). It is made into a temp directory that
 * {@link #close} removes. A lone Dockerfile gives an empty context and that file as the Dockerfile.
 */
public final class RemoteContext implements AutoCloseable {
    private final Path temp;
    private final Path dir;
    private final Optional<Path> dockerfile;

    private RemoteContext(Path temp, Path dir, Optional<Path> dockerfile) {
        this.temp = temp;
        this.dir = dir;
        this.dockerfile = dockerfile;
    }

    /** Whether {@code spec} names a context strata has to fetch (stdin, a URL, a git repository). */
    public static boolean isRemote(String spec) {
        if (spec.equals("-")) {
            return true;
        }
        // a directory that happens to be spelt like a URL (github.com/org/repo) stays a directory
        return (SourceKinds.isUrl(spec) || GitContext.isGit(spec)) && !Files.isDirectory(Path.of(spec));
    }

    /** Fetches {@code spec} (see {@link #isRemote}); {@code stdin} is read for {@code -}. */
    public static RemoteContext fetch(String spec, InputStream stdin) {
        Path temp;
        try {
            temp = Files.createTempDirectory("strata-context-");
        } catch (IOException e) {
            throw StrataException.environment("cannot create a temp directory for the context: " + e.getMessage(), e);
        }
        try {
            if (GitContext.isGit(spec)) {
                return new RemoteContext(temp, GitContext.checkout(spec, temp.resolve("git")), Optional.empty());
            }
            Path file = temp.resolve("download");
            if (spec.equals("-")) {
                Files.copy(stdin, file);
            } else {
                download(spec, file);
            }
            Path dir = Files.createDirectories(temp.resolve("context"));
            if (!Archives.isArchive(file)) {
                return new RemoteContext(temp, dir, Optional.of(file));
            }
            Archives.extract(file, dir, Optional.empty(), Optional.empty());
            Files.delete(file);
            return new RemoteContext(temp, dir, Optional.empty());
        } catch (IOException e) {
            GitContext.deleteTree(temp);
            throw StrataException.input("cannot read the context " + spec + ": " + e.getMessage());
        } catch (RuntimeException e) {
            GitContext.deleteTree(temp);
            throw e;
        }
    }

    private static void download(String url, Path file) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        try {
            HttpResponse<Path> resp = client.send(
                    HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofFile(file));
            if (resp.statusCode() / 100 != 2) {
                throw StrataException.input(
                        "context " + url + ": the server answered HTTP " + resp.statusCode() + "; check the URL");
            }
        } catch (IllegalArgumentException e) {
            throw StrataException.input("context " + url + " is not a valid URL: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ExitCode.INPUT, "interrupted while downloading the context " + url);
        }
    }

    /** The context directory. */
    public Path dir() {
        return dir;
    }

    /** The Dockerfile when the context was one file (the context is then empty). */
    public Optional<Path> dockerfile() {
        return dockerfile;
    }

    @Override
    public void close() {
        GitContext.deleteTree(temp);
    }
}
