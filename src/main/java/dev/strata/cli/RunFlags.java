package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.exec.ContainerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** docker build's flags for the containers RUN steps run in: --add-host, --shm-size, --ulimit, --ssh, --cgroup-parent. */
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

    @Option(
            names = "--ssh",
            paramLabel = "default|ID[=SOCKET]",
            description = "forward an ssh agent to RUN --mount=type=ssh,id=ID (repeatable; the socket defaults to"
                    + " $SSH_AUTH_SOCK); key files are not read: load them with ssh-add")
    List<String> ssh = new ArrayList<>();

    /** {@code --ssh}: id to the agent's socket, every socket checked now (a typo is exit 2, not a failed RUN). */
    Map<String, Path> sshAgents(Function<String, String> environment) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String spec : ssh) {
            int eq = spec.indexOf('=');
            String id = (eq < 0 ? spec : spec.substring(0, eq)).strip();
            String value = eq < 0 ? "" : spec.substring(eq + 1).strip();
            if (id.isEmpty()) {
                throw StrataException.input("--ssh \"" + spec + "\" has no id; use --ssh default or --ssh ID=SOCKET");
            }
            if (value.isEmpty()) {
                value = Optional.ofNullable(environment.apply("SSH_AUTH_SOCK")).orElse("");
                if (value.isEmpty()) {
                    throw StrataException.input("--ssh " + id + ": SSH_AUTH_SOCK is not set; start an agent"
                            + " (eval $(ssh-agent) && ssh-add) or pass --ssh " + id + "=/path/to/agent.sock");
                }
            }
            if (value.contains(",")) {
                throw StrataException.input("--ssh " + spec + ": strata forwards one agent socket per id, not a"
                        + " list of keys; load the keys into an agent with ssh-add and pass --ssh " + id);
            }
            Path socket = Path.of(value);
            out.put(id, checkedSocket(id, socket));
        }
        return out;
    }

    private static Path checkedSocket(String id, Path socket) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(socket, "unix:mode");
        } catch (IOException | UnsupportedOperationException e) {
            throw StrataException.input("--ssh " + id + ": " + socket + " does not exist (" + e.getMessage() + ")");
        }
        if ((mode & 0170000) != 0140000) {
            throw StrataException.input("--ssh " + id + ": " + socket + " is not an agent socket; strata does"
                    + " not read key files: run eval $(ssh-agent) && ssh-add " + socket + ", then --ssh " + id);
        }
        return socket.toAbsolutePath();
    }

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
