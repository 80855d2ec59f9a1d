package dev.strata.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers of {@link CorpusTest}: expected tree entries, JSON lists, corpus contexts, a loopback HTTP server. */
final class CorpusFiles {
    private CorpusFiles() {}

    static String file(int mode, String content) {
        return file(mode, content, "0:0");
    }

    static String file(int mode, String content, String owner) {
        return "file " + mode + " " + Digest.sha256(content.getBytes(StandardCharsets.UTF_8)) + " " + owner;
    }

    static String dir(int mode) {
        return dir(mode, "0:0");
    }

    static String dir(int mode, String owner) {
        return "dir " + mode + " " + owner;
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(CorpusFiles.class.getResource("/corpus/" + name).toURI());
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    Files.setAttribute(t, "unix:mode", 0644);
                }
            }
        }
    }

    /** payload.tar.{gz,bz2,xz,zst}: inner.txt 0640 and sub/ 0750, owned by 1234. */
    static void makeArchives(Path ctx) throws Exception {
        Path payload = ctx.resolve("payload");
        Files.createDirectories(payload.resolve("sub"));
        Files.writeString(payload.resolve("sub/deep.txt"), "deep\n");
        Files.setAttribute(payload.resolve("inner.txt"), "unix:mode", 0640);
        Files.setAttribute(payload.resolve("sub"), "unix:mode", 0750);
        for (String[] c : List.of(
                new String[] {"gz", "--gzip"},
                new String[] {"bz2", "--bzip2"},
                new String[] {"xz", "--xz"},
                new String[] {"zst", "--zstd"})) {
            OutputsTest.run(
                    "tar",
                    c[1],
                    "--owner=1234",
                    "--group=1234",
                    "--numeric-owner",
                    "--mtime=@0",
                    "-C",
                    payload.toString(),
                    "-cf",
                    ctx.resolve("payload.tar." + c[0]).toString(),
                    "inner.txt",
                    "sub");
        }
    }

    static HttpServer serve(String content) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/remote.txt", ex -> {
            byte[] body = content.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return http;
    }
}
