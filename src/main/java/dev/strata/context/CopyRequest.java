package dev.strata.context;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One COPY or ADD after the Dockerfile's variables are expanded: what the instruction says, plus
 * the stage state it needs (WORKDIR, SOURCE_DATE_EPOCH, the time new directories get).
 *
 * @param add          ADD (URLs and local archives) rather than COPY
 * @param sources      the source arguments as written (relative to the source root; "/x" means root/x)
 * @param dest         the destination as written ("dir/" or "." mean a directory)
 * @param workdir      the stage's WORKDIR (absolute), against which a relative dest is resolved
 * @param chown        {@code --chown} value, if any
 * @param chmod        {@code --chmod} value, if any
 * @param excludes     {@code --exclude} patterns
 * @param parents      {@code --parents}
 * @param checksum     ADD {@code --checksum} (sha256:… for an http(s) source)
 * @param keepGitDir   ADD {@code --keep-git-dir}
 * @param sourceDateEpoch SOURCE_DATE_EPOCH in seconds, if set: every mtime is clamped to it
 * @param createdAt    mtime of directories the copy creates (when SOURCE_DATE_EPOCH is not set)
 */
public record CopyRequest(
        boolean add,
        List<String> sources,
        String dest,
        String workdir,
        Optional<String> chown,
        Optional<String> chmod,
        List<String> excludes,
        boolean parents,
        Optional<String> checksum,
        boolean keepGitDir,
        Optional<Long> sourceDateEpoch,
        Instant createdAt) {

    public CopyRequest {
        sources = List.copyOf(sources);
        excludes = List.copyOf(excludes);
    }

    /** {@code COPY sources... dest} with WORKDIR "/" and no flags. */
    public static CopyRequest copy(String dest, String... sources) {
        return new CopyRequest(
                false,
                List.of(sources),
                dest,
                "/",
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false,
                Optional.empty(),
                false,
                Optional.empty(),
                Instant.EPOCH);
    }

    /** {@code ADD sources... dest} with WORKDIR "/" and no flags. */
    public static CopyRequest addOf(String dest, String... sources) {
        return copy(dest, sources).asAdd();
    }

    public CopyRequest asAdd() {
        return new CopyRequest(
                true,
                sources,
                dest,
                workdir,
                chown,
                chmod,
                excludes,
                parents,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withWorkdir(String w) {
        return new CopyRequest(
                add,
                sources,
                dest,
                w,
                chown,
                chmod,
                excludes,
                parents,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withChown(String c) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                Optional.of(c),
                chmod,
                excludes,
                parents,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withChmod(String c) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                chown,
                Optional.of(c),
                excludes,
                parents,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withExcludes(String... e) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                chown,
                chmod,
                List.of(e),
                parents,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withParents(boolean p) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                chown,
                chmod,
                excludes,
                p,
                checksum,
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withChecksum(String c) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                chown,
                chmod,
                excludes,
                parents,
                Optional.of(c),
                keepGitDir,
                sourceDateEpoch,
                createdAt);
    }

    public CopyRequest withKeepGitDir(boolean k) {
        return new CopyRequest(
                add, sources, dest, workdir, chown, chmod, excludes, parents, checksum, k, sourceDateEpoch, createdAt);
    }

    public CopyRequest withSourceDateEpoch(long seconds) {
        return new CopyRequest(
                add,
                sources,
                dest,
                workdir,
                chown,
                chmod,
                excludes,
                parents,
                checksum,
                keepGitDir,
                Optional.of(seconds),
                createdAt);
    }

    public CopyRequest withCreatedAt(Instant t) {
        return new CopyRequest(
                add, sources, dest, workdir, chown, chmod, excludes, parents, checksum, keepGitDir, sourceDateEpoch, t);
    }

    /** "COPY" or "ADD", for messages. */
    public String instruction() {
        return add ? "ADD" : "COPY";
    }
}
