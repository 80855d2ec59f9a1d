package dev.strata.cli;

import dev.strata.exec.ContainerOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/** docker build's flags for the containers RUN steps run in: --add-host, --shm-size, --ulimit, --cgroup-parent. */
final class RunFlags {
    @Option(
            names = "--add-host",
            paramLabel = "NAME:IP",
            description = "add a line to /etc/hosts of every RUN (repeatable; host-gateway is 127.0.0.1)")
    List<String> addHosts = new ArrayList<>();

    @Option(names = "--shm-size", paramLabel = "SIZE", description = "size of /dev/shm in RUN (default: 64m)")
    String shmSize;

    @Option(
            names = "--ulimit",
            paramLabel = "NAME=SOFT[:HARD]",
            description = "resource limit of every RUN, e.g. nofile=1024:2048 (repeatable)")
    List<String> ulimits = new ArrayList<>();

    @Option(
            names = "--cgroup-parent",
            paramLabel = "PATH",
            description = "accepted for docker compatibility and ignored (a warning): RUN gets a cgroup of its own")
    Optional<String> cgroupParent = Optional.empty();

    /** The parsed flags; a bad value is an input error naming the flag. */
    ContainerOptions options() {
        return new ContainerOptions(
                addHosts.stream().map(ContainerOptions.ExtraHost::parse).toList(),
                shmSize == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(ContainerOptions.parseSize("--shm-size", shmSize)),
                ulimits.stream().map(ContainerOptions.Ulimit::parse).toList());
    }

    /** Says on stderr what strata does not do with an accepted flag, so nothing is ignored silently. */
    void warnIgnored(PrintWriter err) {
        cgroupParent.ifPresent(p -> {
            err.println("warning: --cgroup-parent " + p + " is ignored: strata puts each RUN in a cgroup of its own"
                    + " under the one strata runs in; start strata in that cgroup instead");
            err.flush();
        });
    }
}
