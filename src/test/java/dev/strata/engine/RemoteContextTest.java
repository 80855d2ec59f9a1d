package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contexts that are not a directory, built by the CLI in a real process: a bare git repository over
 * file:// and over git daemon on 127.0.0.1 (ref and subdirectory), a tarball over HTTP on
 * 127.0.0.1, a tar and a lone Dockerfile on stdin.
 */
class RemoteContextTest {
    @TempDir
    Path dir;

    Path bare;

    static String sh(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** A bare repository: tag v1 has app/greeting "one", main (one commit later) "two". */
    @BeforeEach
    void repository() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        sh(work, "git", "init", "-q", "-b", "main");
        sh(work, "git", "config", "user.email", "t@example.invalid");
        sh(work, "git", "config", "user.name", "t");
        Files.createDirectories(work.resolve("app"));
        Files.writeString(work.resolve("app/Dockerfile"), "FROM scratch\nCOPY greeting /greeting\n");
        Files.writeString(work.resolve("app/greeting"), "one\n");
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\nCOPY . /root-context/\n");
        sh(work, "git", "add", "-A");
        sh(work, "git", "commit", "-q", "-m", "one");
        sh(work, "git", "tag", "v1");
        Files.writeString(work.resolve("app/greeting"), "two\n");
        sh(work, "git", "commit", "-q", "-am", "two");
        bare = dir.resolve("repo.git");
        sh(dir, "git", "clone", "-q", "--bare", work.toString(), bare.toString());
    }

    private StrataProcess.Run build(String context, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("build", "--progress=plain"));
        args.addAll(List.of(extra));
        args.add(context);
        return StrataProcess.strata(dir.resolve("home"), args.toArray(String[]::new));
    }

    private Path out(String name) {
        return dir.resolve("out-" + name);
    }

    @Test
    void gitOverFileUrlWithRefAndSubdirectory() throws Exception {
        StrataProcess.Run r = build("file://" + bare + "#v1:app", "-o", "type=local,dest=" + out("v1"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Files.readString(out("v1").resolve("greeting"))).isEqualTo("one\n");

        // no fragment: the default branch, its root, and no .git in the context
        r = build("file://" + bare, "-o", "type=local,dest=" + out("root"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Files.readString(out("root").resolve("root-context/app/greeting")))
                .isEqualTo("two\n");
        assertThat(out("root").resolve("root-context/.git")).doesNotExist();
    }

    @Test
    void aCommitIdAndBadRefsAndDirectories() throws Exception {
        String v1 = sh(bare, "git", "rev-parse", "v1").strip();
        StrataProcess.Run r = build("file://" + bare + "#" + v1 + ":app", "-o", "type=local,dest=" + out("sha"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Files.readString(out("sha").resolve("greeting"))).isEqualTo("one\n");

        r = build("file://" + bare + "#no-such-branch");
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("git context").contains("no-such-branch");
        r = build("file://" + bare + "#main:nowhere");
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("nowhere is not a directory");
    }

    @Test
    void gitOverGitDaemonOnLoopback() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process daemon = new ProcessBuilder(
                        "git",
                        "daemon",
                        "--listen=127.0.0.1",
                        "--port=" + port,
                        "--reuseaddr",
                        "--export-all",
                        "--base-path=" + dir,
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile())
                .start();
        try {
            waitForPort(port);
            StrataProcess.Run r =
                    build("git://127.0.0.1:" + port + "/repo.git#v1:app", "-o", "type=local,dest=" + out("daemon"));
            assertThat(r.code())
                    .as(r.out() + Files.readString(dir.resolve("daemon.log")))
                    .isZero();
            assertThat(Files.readString(out("daemon").resolve("greeting"))).isEqualTo("one\n");
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }
    }

    private static void waitForPort(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("git daemon did not listen on " + port);
    }

    @Test
    void aTarballOverHttpAndATarOrDockerfileOnStdin() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        Files.writeString(ctx.resolve("hello.txt"), "from a tarball\n");
        Path tgz = dir.resolve("ctx.tar.gz");
        sh(ctx, "tar", "-czf", tgz.toString(), ".");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ctx.tar.gz", ex -> {
            byte[] body = Files.readAllBytes(tgz);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ctx.tar.gz";
            StrataProcess.Run r = build(url, "-o", "type=local,dest=" + out("http"));
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(Files.readString(out("http").resolve("hello.txt"))).isEqualTo("from a tarball\n");
            r = build("http://127.0.0.1:" + server.getAddress().getPort() + "/missing.tar");
            assertThat(r.code()).as(r.out()).isEqualTo(2);
            assertThat(r.out()).contains("HTTP 404");
        } finally {
            server.stop(0);
        }

        assertThat(stdinBuild(tgz, "-o", "type=local,dest=" + out("stdin"), "-"))
                .isZero();
        assertThat(Files.readString(out("stdin").resolve("hello.txt"))).isEqualTo("from a tarball\n");
        // a lone Dockerfile on stdin: the context is empty, so its COPY has nothing to copy
        assertThat(stdinBuild(ctx.resolve("Dockerfile"), "-")).isEqualTo(2);
        Files.writeString(dir.resolve("Lone"), "FROM scratch\nENV A=1\n");
        assertThat(stdinBuild(dir.resolve("Lone"), "-")).isZero();
    }

    private int stdinBuild(Path input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main",
                "build"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("STRATA_HOME", dir.resolve("home").toString());
        return pb.start().waitFor();
    }
}
