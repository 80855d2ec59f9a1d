package dev.strata.exec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@code RUN --mount=...}, already parsed and with its sources resolved by the caller. Every
 * mount's target is an absolute path inside the container; nothing a mount shows ever ends in the
 * step's layer.
 */
public sealed interface RunMount {

    /** The absolute path inside the container. */
    String target();

    /** How concurrent steps share one cache mount ({@code sharing=}). */
    enum Sharing {
        /** Every user sees the same directory at once (BuildKit's default). */
        SHARED,
        /** A concurrent user gets its own copy, discarded afterwards. */
        PRIVATE,
        /** Users take turns: an exclusive lock is held for the whole step. */
        LOCKED
    }

    /**
     * {@code type=cache}: a directory that persists between builds, keyed by {@code id}. It lives in
     * {@code hostDir} when given, else under the executor's cache root. {@code uid}, {@code gid}
     * and {@code mode} apply when the directory is first created (BuildKit: 0, 0, 0755).
     */
    record Cache(
            String target,
            String id,
            Sharing sharing,
            int uid,
            int gid,
            int mode,
            boolean readonly,
            Optional<Path> hostDir)
            implements RunMount {
        /** A shared, writable cache owned by root with mode 0755 under the cache root. */
        public static Cache of(String target, String id) {
            return new Cache(target, id, Sharing.SHARED, 0, 0, 0755, false, Optional.empty());
        }
    }

    /**
     * {@code type=secret}: {@code content} mounted read-only as a file; it never reaches the layer
     * nor any log. An absent content is an error when {@code required}, else the mount is skipped.
     */
    record Secret(String target, String id, Optional<byte[]> content, boolean required, int mode, int uid, int gid)
            implements RunMount {
        /** BuildKit's defaults: mode 0400, root-owned, not required. */
        public static Secret of(String id, byte[] content) {
            return new Secret("/run/secrets/" + id, id, Optional.of(content), false, 0400, 0, 0);
        }

        @Override
        public String toString() {
            // never print the content
            return "Secret[target=" + target + ", id=" + id + ", required=" + required + "]";
        }
    }

    /**
     * {@code type=bind}: a host directory (context or a stage's rootfs). Read-only unless
     * {@code readwrite}; writes to a read-write bind are discarded after the step, as in BuildKit.
     */
    record Bind(String target, Path source, boolean readwrite) implements RunMount {}

    /** {@code type=tmpfs}: an empty tmpfs, {@code size} bytes at most when given. */
    record Tmpfs(String target, OptionalLong size) implements RunMount {}

    /**
     * {@code type=ssh}: the ssh agent {@code agent} (a unix socket, from {@code --ssh ID}) at
     * {@code target}, through a socket of the step's own with {@code uid}, {@code gid} and
     * {@code mode}. No agent is an error when {@code required}, else the mount is skipped.
     */
    record Ssh(String target, String id, Optional<Path> agent, boolean required, int mode, int uid, int gid)
            implements RunMount {
        /** BuildKit's defaults: mode 0600, root-owned, not required. */
        public static Ssh of(String target, String id, Path agent) {
            return new Ssh(target, id, Optional.of(agent), false, 0600, 0, 0);
        }
    }
}
