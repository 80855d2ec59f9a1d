package dev.strata.cache;

import dev.strata.oci.Digest;

/** The digest naming one step's inputs; equal keys mean the step's result can be reused. */
public record CacheKey(Digest digest) {
    @Override
    public String toString() {
        return digest.toString();
    }
}
