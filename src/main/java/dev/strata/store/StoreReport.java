package dev.strata.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link StoreVerifier} found in a store.
 *
 * @param root         the store
 * @param blobs        blobs hashed
 * @param bytes        their total size
 * @param tags         tags followed
 * @param refs         refs followed
 * @param skeletons    skeletons made again from their layer and compared
 * @param absentLayers layers that tags or cache records name but that are not downloaded (by design:
 *                     a base layer or a cache hit stays in its registry until its files are needed)
 * @param problems     what is wrong, in the order found
 */
public record StoreReport(
        Path root,
        int blobs,
        long bytes,
        int tags,
        int refs,
        int skeletons,
        int absentLayers,
        List<StoreProblem> problems) {
    /** True when nothing makes the store inconsistent (leftover temp files only take space). */
    public boolean consistent() {
        return problems.stream().noneMatch(StoreProblem::breaks);
    }
}
