package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build flags that docker/buildx users type, read the way buildx reads them. */
class BuildFlagsTest {
    @TempDir
    Path dir;

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void secretsTakeEveryBuildxSpelling() throws Exception {
        Path file = Files.writeString(dir.resolve("tok"), "from-file");
        Map<String, String> env = Map.of("TOKEN", "from-env", "GH", "gh-env");
        Map<String, byte[]> s = BuildFlags.secrets(
                List.of(
                        "id=a,src=" + file,
                        "id=b,source=" + file,
                        "ID=c,ENV=TOKEN",
                        "type=env,id=d,src=GH",
                        "type=env,id=TOKEN",
                        "id=GH",
                        "type=file,id=f,src=" + file),
                env::get);
        assertThat(s.keySet()).containsExactly("a", "b", "c", "d", "TOKEN", "GH", "f");
        assertThat(text(s.get("a"))).isEqualTo("from-file");
        assertThat(text(s.get("b"))).isEqualTo("from-file");
        assertThat(text(s.get("c"))).isEqualTo("from-env");
        assertThat(text(s.get("d"))).isEqualTo("gh-env");
        assertThat(text(s.get("TOKEN"))).isEqualTo("from-env");
        // id alone: the variable of that name when set
        assertThat(text(s.get("GH"))).isEqualTo("gh-env");
        assertThat(text(s.get("f"))).isEqualTo("from-file");
    }

    @Test
    void aSecretIdAloneFallsBackToTheFileOfThatName() throws Exception {
        Path file = Files.writeString(dir.resolve("npmrc"), "registry=x");
        Map<String, byte[]> s = BuildFlags.secrets(List.of("id=" + file), v -> null);
        assertThat(text(s.get(file.toString()))).isEqualTo("registry=x");
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("id=" + dir.resolve("none")), v -> null))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("neither the environment variable")
                .hasMessageContaining("src=FILE or env=VAR");
    }

    @Test
    void badSecretsAreRefusedNamingWhatToWrite() throws Exception {
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("id=a,file=/x"), v -> null))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("unexpected key 'file'");
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("id=a,type=ssh"), v -> null))
                .hasMessageContaining("type=ssh is not supported: use file or env");
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("src=/x"), v -> null))
                .hasMessageContaining("needs id=ID");
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("id=a,env=NOPE"), v -> null))
                .hasMessageContaining("the environment variable NOPE is not set");
        Path big = Files.write(dir.resolve("big"), new byte[500 * 1024 + 1]);
        assertThatThrownBy(() -> BuildFlags.secrets(List.of("id=a,src=" + big), v -> null))
                .hasMessageContaining("larger than 500 KiB");
    }

    @Test
    void sshTakesAnAgentSocketAndSaysWhatToDoWithAKeyFile() throws Exception {
        Path sock = dir.resolve("agent.sock");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            RunFlags f = new RunFlags();
            f.ssh = List.of("default", "deploy=" + sock);
            assertThat(f.sshAgents(Map.of("SSH_AUTH_SOCK", sock.toString())::get))
                    .containsExactly(Map.entry("default", sock), Map.entry("deploy", sock));
            f.ssh = List.of("default");
            assertThatThrownBy(() -> f.sshAgents(v -> null))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("SSH_AUTH_SOCK is not set");
            Path key = Files.writeString(dir.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----");
            f.ssh = List.of("default=" + key);
            assertThatThrownBy(() -> f.sshAgents(v -> null))
                    .hasMessageContaining("is not an agent socket")
                    .hasMessageContaining("ssh-add " + key);
            f.ssh = List.of("default=" + dir.resolve("gone.sock"));
            assertThatThrownBy(() -> f.sshAgents(v -> null)).hasMessageContaining("does not exist");
        }
    }
}
