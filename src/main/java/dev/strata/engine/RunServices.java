package dev.strata.engine;

import dev.strata.exec.ContainerOptions;
import dev.strata.exec.RunExecutor;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What only RUN uses of the build.
 *
 * @param executor   the runtime, probed on first use (builds without RUN need none)
 * @param scratch    the build's scratch directory, where the runtime makes its bundle
 * @param cacheRoot  where {@code type=cache} mounts persist between builds
 * @param secrets    {@code --secret} id to bytes
 * @param sshAgents  {@code --ssh} id to the agent's socket
 * @param network    the build's {@code --network}, for a RUN without its own
 * @param container  the build's {@code --add-host}, {@code --shm-size}, {@code --ulimit}
 * @param events     where the command's output lines go
 * @param mounts     cache mount content an imported cache carries, restored before a RUN that misses
 */
record RunServices(
        Supplier<RunExecutor> executor,
        Path scratch,
        Path cacheRoot,
        Map<String, byte[]> secrets,
        Map<String, Path> sshAgents,
        String network,
        ContainerOptions container,
        StepEvents events,
        CacheMountSync mounts) {}
