package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an interrupted strata may never leave in a store, read straight from the files (not through
 * Store, whose own checks are under test): index.json is valid JSON, every blob's bytes hash to its
 * name, every tag reaches a complete image (manifest, config and every layer present), and nothing
 * but known entries sits beside the blobs: temp files belong under tmp/.
 */
final class StoreAudit {
    private static final Set<String> TOP =
            Set.of("oci-layout", "index.json", "blobs", "refs", "tmp", "lock", "snapshots", "cache-mounts");

    private StoreAudit() {}

    /** The problems found; empty for a sound store. */
    static List<String> problems(Path home) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(home)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> !TOP.contains(n))
                    .forEach(n -> out.add("unexpected entry " + n + " in the store root"));
        }
        Path blobs = home.resolve("blobs/sha256");
        if (!Files.isDirectory(blobs) || !Files.exists(home.resolve("index.json"))) {
            // killed while Store.open made the layout: the next open completes it; no blob or tag yet
            return out;
        }
        try (Stream<Path> s = Files.list(blobs)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.matches("[0-9a-f]{64}")) {
                    out.add("not a blob: blobs/sha256/" + name);
                } else if (!name.equals(sha256(p))) {
                    out.add("blob " + name + " does not match its name (" + Files.size(p) + " bytes)");
                }
            }
        }
        JsonNode index;
        try {
            index = OciJson.parse(Files.readAllBytes(home.resolve("index.json")), "index.json");
        } catch (RuntimeException e) {
            out.add("index.json is not valid JSON: " + e.getMessage());
            return out;
        }
        for (JsonNode tag : index.path("manifests")) {
            String name = tag.path("annotations")
                    .path("org.opencontainers.image.ref.name")
                    .asText();
            Path manifest = blob(home, tag.path("digest").asText());
            if (!Files.isRegularFile(manifest)) {
                out.add("tag " + name + " points at a missing manifest");
                continue;
            }
            JsonNode m = OciJson.parse(Files.readAllBytes(manifest), "manifest of " + name);
            List<JsonNode> parts = new ArrayList<>();
            parts.add(m.path("config"));
            m.path("layers").forEach(parts::add);
            for (JsonNode d : parts) {
                if (!Files.isRegularFile(blob(home, d.path("digest").asText()))) {
                    out.add("tag " + name + " lacks blob " + d.path("digest").asText());
                }
            }
        }
        return out;
    }

    /** Entries under tmp/ (what prune must be able to remove). */
    static List<String> temps(Path home) throws IOException {
        Path tmp = home.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Bytes of the regular files under tmp/ now (a pull's progress, for kill points). */
    static long tempBytes(Path home) {
        try (Stream<Path> s = Files.walk(home.resolve("tmp"))) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // files come and go while strata runs
        }
    }

    private static Path blob(Path home, String digest) {
        return home.resolve("blobs/sha256").resolve(Digest.parse(digest).hex());
    }

    static String sha256(Path p) throws IOException {
        MessageDigest md = Digest.newSha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
