package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes the blobs of an OCI layout that no manifest its index.json names lists, once older than a
 * grace period: an export writes its blobs before the index that names them, and must not lose them
 * to a sweep running at the same moment. A layout naming an index (not only image manifests) is left
 * alone: following nested indexes is not a cache directory's shape.
 */
public final class LayoutSweep {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private LayoutSweep() {}

    /** How many blobs were removed. */
    public static int sweep(Path dir, Duration grace) {
        Path blobs = dir.resolve("blobs").resolve("sha256");
        try {
            Index index = Index.parse(Files.readAllBytes(dir.resolve("index.json")), MediaType.OCI_INDEX);
            Set<String> keep = new HashSet<>();
            for (Descriptor d : index.manifests()) {
                if (!MediaType.isManifest(d.mediaType())) {
                    return 0;
                }
                keep.add(d.digest().hex());
                Manifest m = Manifest.parse(
                        Files.readAllBytes(blobs.resolve(d.digest().hex())), d.mediaType());
                keep.add(m.config().digest().hex());
                m.layers().forEach(l -> keep.add(l.digest().hex()));
            }
            FileTime before = FileTime.from(Instant.now().minus(grace));
            int removed = 0;
            List<Path> all;
            try (Stream<Path> s = Files.list(blobs)) {
                all = s.toList();
            }
            for (Path p : all) {
                String name = p.getFileName().toString();
                if (!keep.contains(name)
                        && (name.startsWith(".tmp-") || HEX.matcher(name).matches())
                        && Files.getLastModifiedTime(p).compareTo(before) < 0) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
            return removed;
        } catch (IOException e) {
            throw StrataException.environment("cannot sweep the layout " + dir + ": " + e.getMessage(), e);
        }
    }
}
