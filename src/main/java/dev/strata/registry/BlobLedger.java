package dev.strata.registry;

import dev.strata.oci.Digest;
import dev.strata.oci.Reference;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What this process knows each repository holds, per registry: a blob it uploaded, mounted or saw by
 * HEAD, or one a manifest read from there lists (a registry keeps a manifest's blobs). Pushes of the
 * same digest to one registry take turns on that digest's lock, so the second finds the first's
 * repository here and mounts from it: each blob crosses the network once per registry, whatever order
 * the image, cache and inline-cache pushes run in, and a blob known present needs no HEAD.
 */
final class BlobLedger {
    private final ConcurrentMap<String, Set<String>> holders = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    private static String key(String registry, Digest d) {
        return registry + "\n" + d;
    }

    /** Records that {@code repo} holds {@code d}. */
    void holds(Reference repo, Digest d) {
        holders.computeIfAbsent(key(repo.registry(), d), k -> ConcurrentHashMap.newKeySet())
                .add(repo.repository());
    }

    /** True when {@code repo} is known to hold {@code d}. */
    boolean knows(Reference repo, Digest d) {
        Set<String> s = holders.get(key(repo.registry(), d));
        return s != null && s.contains(repo.repository());
    }

    /** Another repository of {@code repo}'s registry known to hold {@code d}, to mount from. */
    Optional<Reference> sibling(Reference repo, Digest d) {
        Set<String> s = holders.get(key(repo.registry(), d));
        if (s == null) {
            return Optional.empty();
        }
        return s.stream()
                .filter(r -> !r.equals(repo.repository()))
                .sorted()
                .findFirst()
                .map(r -> new Reference(repo.registry(), r, Optional.empty(), Optional.empty()));
    }

    /** Runs {@code push} holding {@code d}'s lock on {@code repo}'s registry. */
    void exclusive(Reference repo, Digest d, Runnable push) {
        ReentrantLock lock = locks.computeIfAbsent(key(repo.registry(), d), k -> new ReentrantLock());
        lock.lock();
        try {
            push.run();
        } finally {
            lock.unlock();
        }
    }
}
