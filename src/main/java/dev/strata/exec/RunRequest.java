package dev.strata.exec;

import dev.strata.error.StrataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one RUN step needs.
 *
 * @param argv       the full command, e.g. {@code ["/bin/sh", "-c", "make"]}
 * @param env        the environment as {@code K=V}; a default PATH is added when missing, and HOME
 *                   from /etc/passwd
 * @param workingDir the absolute working directory; created in the (never committed) init layer if
 *                   the rootfs lacks it
 * @param user       as written in USER: empty (root), {@code name}, {@code uid}, {@code name:group},
 *                   {@code uid:gid}; names resolved through the rootfs's /etc/passwd and /etc/group
 * @param hostname   the container's hostname
 * @param lowerDirs  the parent's unpacked layers, base layer first; may be empty (FROM scratch)
 * @param network    host (default) or none
 * @param mounts     the step's {@code RUN --mount}s
 * @param output     receives the command's combined stdout and stderr, line by line, as they come
 * @param workRoot   where the step's scratch directories (upper, work, init, bundle) are made; must
 *                   not be on overlayfs
 * @param cacheRoot  where {@code type=cache} directories live unless a mount names its own
 * @param container  the build's {@code --add-host}, {@code --shm-size} and {@code --ulimit}
 * @param owner      whose step it is: the container id starts with {@link ContainerIds#prefix} of it
 *                   (a build's is its store's tmp/, so a check of one store's leftovers sees only its own)
 */
public record RunRequest(
        List<String> argv,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        List<Path> lowerDirs,
        NetworkMode network,
        List<RunMount> mounts,
        Consumer<String> output,
        Path workRoot,
        Optional<Path> cacheRoot,
        ContainerOptions container,
        Path owner) {

    public RunRequest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        lowerDirs = List.copyOf(lowerDirs);
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(workRoot, "workRoot");
        Objects.requireNonNull(cacheRoot, "cacheRoot");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(owner, "owner");
        if (argv.isEmpty()) {
            throw StrataException.input("RUN needs a command");
        }
        if (!workingDir.startsWith("/")) {
            throw StrataException.input("working directory " + workingDir + " is not absolute");
        }
        for (RunMount m : mounts) {
            if (!m.target().startsWith("/")) {
                throw StrataException.input("RUN --mount target " + m.target() + " is not absolute");
            }
        }
    }

    /** A builder with docker's defaults: cwd /, root, hostname "strata", host network, no mounts. */
    public static Builder builder(List<String> argv, Path workRoot) {
        return new Builder(argv, workRoot);
    }

    /** Builds a {@link RunRequest} step by step; unset fields keep docker's defaults. */
    public static final class Builder {
        private final List<String> argv;
        private final Path workRoot;
        private List<String> env = List.of();
        private String workingDir = "/";
        private String user = "";
        private String hostname = "strata";
        private List<Path> lowerDirs = List.of();
        private NetworkMode network = NetworkMode.HOST;
        private final List<RunMount> mounts = new ArrayList<>();
        private Consumer<String> output = line -> {};
        private Optional<Path> cacheRoot = Optional.empty();
        private ContainerOptions container = ContainerOptions.defaults();
        private Path owner;

        private Builder(List<String> argv, Path workRoot) {
            this.argv = argv;
            this.workRoot = workRoot;
            this.owner = workRoot;
        }

        public Builder owner(Path value) {
            this.owner = value;
            return this;
        }

        public Builder env(List<String> value) {
            this.env = value;
            return this;
        }

        public Builder workingDir(String value) {
            this.workingDir = value;
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder hostname(String value) {
            this.hostname = value;
            return this;
        }

        public Builder lowerDirs(List<Path> value) {
            this.lowerDirs = value;
            return this;
        }

        public Builder network(NetworkMode value) {
            this.network = value;
            return this;
        }

        public Builder mount(RunMount value) {
            this.mounts.add(value);
            return this;
        }

        public Builder output(Consumer<String> value) {
            this.output = value;
            return this;
        }

        public Builder cacheRoot(Path value) {
            this.cacheRoot = Optional.of(value);
            return this;
        }

        public Builder container(ContainerOptions value) {
            this.container = value;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(
                    argv,
                    env,
                    workingDir,
                    user,
                    hostname,
                    lowerDirs,
                    network,
                    mounts,
                    output,
                    workRoot,
                    cacheRoot,
                    container,
                    owner);
        }
    }
}
