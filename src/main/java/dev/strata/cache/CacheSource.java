package dev.strata.cache;

import java.util.List;
import java.util.Optional;

/** Somewhere cached step results can be looked up. */
public interface CacheSource {
    /** "local", "registry:host/repo:tag", "dir:/path". */
    String name();

    Optional<CacheRecord> lookup(CacheKey key);

    /** Records sharing the parent state and instruction kind, used to explain a miss. */
    List<CacheRecord> candidates(String parentState, String instructionKind);

    /** Records of the same instruction text on any parent, used to say what changed in the parent. */
    default List<CacheRecord> sameInstruction(String instruction) {
        return List.of();
    }
}
