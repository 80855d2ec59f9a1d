package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --ssh} with {@code RUN --mount=type=ssh}: a real ssh-agent started by the test holds a key,
 * and the host's own ssh-add (with its libraries, bound in from the context) lists it from inside RUN.
 */
class SshForwardingTest extends MountCheckedTest {
    private Process agent;
    private Path socket;
    private String hostListing;

    @BeforeEach
    void startAgent() throws Exception {
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(20);
        }
        Path key = dir.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "strata-test-key", "-f", key.toString()));
        run(List.of("ssh-add", key.toString()));
        hostListing = run(List.of("ssh-add", "-l"));
        assertThat(hostListing).contains("strata-test-key");
    }

    @AfterEach
    void stopAgent() throws Exception {
        agent.destroy();
        agent.waitFor(5, TimeUnit.SECONDS);
    }

    private String run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(cmd + ": " + out).isZero();
        return out;
    }

    /** ssh-add and every library ldd names, flat in {@code tools/} of the context. */
    private void copySshAdd(Path context) throws Exception {
        Path tools = Files.createDirectories(context.resolve("tools"));
        Files.copy(Path.of("/usr/bin/ssh-add"), tools.resolve("ssh-add"));
        for (String line : run(List.of("ldd", "/usr/bin/ssh-add")).split("\n")) {
            List<String> words = new ArrayList<>(List.of(line.strip().split("\\s+")));
            for (String w : words) {
                if (w.startsWith("/")) {
                    Path lib = Path.of(w);
                    Path to = tools.resolve(lib.getFileName().toString());
                    if (!Files.exists(to)) {
                        Files.copy(lib, to);
                    }
                }
            }
        }
    }

    private BuildFixture fixture(String dockerfile) throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox().files(dockerfile, Map.of());
        copySshAdd(f.context);
        return f;
    }

    static final String SSH_ADD = "/tools/ld-linux-x86-64.so.2 --library-path /tools /tools/ssh-add -l";

    @ParameterizedTest
    @ValueSource(strings = {"crun", "chroot"})
    void theForwardedAgentListsItsKeyInsideRun(String isolation) throws Exception {
        String df = "FROM test/busybox:latest\n"
                + "RUN --mount=type=ssh --mount=type=bind,source=tools,target=/tools " + SSH_ADD
                + " > /keys && echo \"$SSH_AUTH_SOCK\" > /sock\n"
                + "RUN --mount=type=ssh,id=deploy,target=/agent.sock,uid=1000,mode=0660"
                + " --mount=type=bind,source=tools,target=/tools"
                + " stat -c '%u %a %F' /agent.sock > /stat && SSH_AUTH_SOCK=/agent.sock " + SSH_ADD + " > /deploy\n";
        BuildFixture f = fixture(df);
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .isolation(Optional.of(isolation))
                .sshAgents(Map.of("default", socket, "deploy", socket))
                .build());
        Path root = f.unpack(r.image(), "s");
        assertThat(BuildFixture.read(root.resolve("keys"))).isEqualTo(hostListing);
        assertThat(BuildFixture.read(root.resolve("sock"))).isEqualTo("/run/buildkit/ssh_agent.0\n");
        assertThat(BuildFixture.read(root.resolve("stat"))).isEqualTo("1000 660 socket\n");
        assertThat(BuildFixture.read(root.resolve("deploy"))).isEqualTo(hostListing);
        // nothing of the mounts is in the image
        assertThat(root.resolve("run/buildkit")).doesNotExist();
        assertThat(root.resolve("agent.sock")).doesNotExist();
        assertThat(root.resolve("tools")).doesNotExist();
    }

    @Test
    void withoutAnAgentAnOptionalMountIsSkippedAndARequiredOneFails() throws Exception {
        BuildFixture f = fixture(
                "FROM test/busybox:latest\n"
                        + "RUN --mount=type=ssh (test -e /run/buildkit/ssh_agent.0 && echo there || echo absent) > /optional\n");
        Path root = f.unpack(f.build().image(), "o");
        assertThat(BuildFixture.read(root.resolve("optional"))).isEqualTo("absent\n");
        Files.writeString(
                f.context.resolve("Dockerfile"),
                "FROM test/busybox:latest\nRUN --mount=type=ssh,id=gh,required=true true\n");
        assertThatThrownBy(f::build)
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("Dockerfile:2")
                .hasMessageContaining("no ssh agent gh was forwarded; pass --ssh gh");
    }
}
