package dev.strata.cache;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which {@code RUN --mount=type=cache} directories an export carries ({@code --cache-to
 * ...,cache-mounts=true} or {@code cache-mounts=pip,m2}) and how many compressed bytes they may
 * take together ({@code cache-mounts-max-size=}). Off unless asked for: a package cache can be
 * large, and it is private to the builder unless someone opts in.
 *
 * @param all     every mount id this build's RUN steps used
 * @param ids     the mount ids to carry, when not {@code all}
 * @param maxSize the bound on the carried mounts' blobs, this build's first
 */
public record CacheMounts(boolean all, Set<String> ids, long maxSize) {
    /** 1 GiB: a pip or maven cache of a sizeable project, and well under {@code max-size}'s 10 GiB. */
    public static final long DEFAULT_MAX_SIZE = 1L << 30;

    public static final CacheMounts NONE = new CacheMounts(false, Set.of(), DEFAULT_MAX_SIZE);

    public CacheMounts {
        ids = Set.copyOf(new TreeSet<>(ids));
        if (maxSize < 0) {
            throw new IllegalArgumentException("a size bound cannot be negative");
        }
    }

    /** True when some mount is carried at all. */
    public boolean enabled() {
        return all || !ids.isEmpty();
    }

    /** True when the mount {@code id} is carried. */
    public boolean carries(String id) {
        return all || ids.contains(id);
    }

    public CacheMounts withMaxSize(long size) {
        return new CacheMounts(all, ids, size);
    }
}
