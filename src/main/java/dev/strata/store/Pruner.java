package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Index;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Garbage collection of a {@link Store}: mark from tags and refs, sweep what is unreached and old enough. */
final class Pruner {
    private Pruner() {
    }

    static int prune(Store store, Duration grace) {
        long keepAfter = System.currentTimeMillis() - grace.toMillis();
        return store.withLock(true, () -> {
            try {
                java.util.Set<Digest> live = new java.util.HashSet<>();
                java.util.ArrayDeque<Descriptor> todo = new java.util.ArrayDeque<>(store.readIndex());
                Path refs = store.root().resolve("refs");
                if (Files.isDirectory(refs)) {
                    try (var w = Files.walk(refs)) {
                        for (Path p : (Iterable<Path>) w.filter(Files::isRegularFile)::iterator) {
                            todo.add(store.readRef(p));
                        }
                    }
                }
                while (!todo.isEmpty()) {
                    Descriptor d = todo.pop();
                    if (!live.add(d.digest()) || !store.hasBlob(d.digest())) {
                        continue;
                    }
                    if (MediaType.isIndex(d.mediaType())) {
                        todo.addAll(Index.parse(store.readBlob(d.digest()), d.mediaType()).manifests());
                    } else if (MediaType.isManifest(d.mediaType())) {
                        Manifest m = Manifest.parse(store.readBlob(d.digest()), d.mediaType());
                        todo.add(m.config());
                        todo.addAll(m.layers());
                    }
                }
                int removed = 0;
                try (var w = Files.list(store.root().resolve("blobs/sha256"))) {
                    for (Path p : (Iterable<Path>) w::iterator) {
                        String name = p.getFileName().toString();
                        if (!name.matches("[0-9a-f]{64}")) {
                            continue; // not ours: leave files we do not understand alone
                        }
                        if (!live.contains(new Digest("sha256", name))
                                && Files.getLastModifiedTime(p).toMillis() < keepAfter) {
                            Files.delete(p);
                            removed++;
                        }
                    }
                }
                try (var w = Files.list(store.root().resolve("tmp"))) {
                    // only stale temp files: a younger one may belong to a writer running right now
                    long cutoff = System.currentTimeMillis() - 3_600_000L;
                    for (Path p : (Iterable<Path>) w::iterator) {
                        if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
                return removed;
            } catch (IOException e) {
                throw store.ioFailure("prune the store", e);
            }
        });
    }
}
