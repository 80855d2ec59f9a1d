package dev.strata.store;

import dev.strata.store.StoreProblem.Repair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Carries out the repairs of {@code strata doctor --verify --repair}. Each removal takes the store lock
 * on its own (as a tag or prune does) and checks again that the damage is still there, so a build that
 * wrote the same blob meanwhile is never undone.
 */
final class StoreRepairs {
    private StoreRepairs() {}

    static void apply(Store store, List<StoreProblem> problems) {
        // the index first: the tags a later step removes live in the fresh one
        problems.stream()
                .filter(p -> p.repair() instanceof Repair.ResetIndex)
                .findFirst()
                .ifPresent(p -> resetIndex(store));
        for (StoreProblem p : problems) {
            Repair r = p.repair();
            if (r instanceof Repair.DeleteBlob b) {
                deleteBlob(store, b);
            } else if (r instanceof Repair.Untag u) {
                store.untag(u.name());
            } else if (r instanceof Repair.RemoveRef ref) {
                store.removeRef(ref.namespace(), ref.name());
            } else if (r instanceof Repair.DeleteTemp t) {
                deleteTemp(store, t);
            }
        }
    }

    private static void deleteBlob(Store store, Repair.DeleteBlob b) {
        store.withLock(true, () -> {
            Path p = store.blobPath(b.digest());
            Optional<?> actual = StoreVerifier.hash(p, b.digest());
            if (actual.isPresent() && !actual.get().equals(b.digest())) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw store.ioFailure("delete the corrupt blob " + b.digest(), e);
                }
            }
            return null;
        });
    }

    private static void resetIndex(Store store) {
        store.withLock(true, () -> {
            try {
                store.readIndex();
                return null; // readable again: someone fixed it meanwhile
            } catch (RuntimeException stillBroken) {
                try {
                    Path index = store.root().resolve("index.json");
                    if (Files.exists(index)) {
                        Files.move(
                                index,
                                store.root().resolve("tmp").resolve(TempNames.of("index-corrupt")),
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                    store.writeIndex(List.of());
                } catch (IOException e) {
                    throw store.ioFailure("replace the unreadable index.json", e);
                }
            }
            return null;
        });
    }

    private static void deleteTemp(Store store, Repair.DeleteTemp t) {
        Path p = store.root().resolve(t.relative()).normalize();
        if (!p.startsWith(store.root().normalize()) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> w = Files.walk(p)) {
            for (Path x : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw store.ioFailure("delete the leftover " + t.relative(), e);
        }
    }
}
