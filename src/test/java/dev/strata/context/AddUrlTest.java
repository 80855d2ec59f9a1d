package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADD of an http URL, served by a local server on 127.0.0.1. */
class AddUrlTest {
    static final byte[] BODY = "#!/bin/sh\necho downloaded\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    HttpServer server;
    String base;
    CopySource ctx;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/tool.sh", ex -> {
            ex.getResponseHeaders().add("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
            ex.close();
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", base + "/files/tool.sh");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        ctx = CopySource.context(BuildContext.open(Files.createDirectories(tmp.resolve("ctx")), DockerIgnore.none()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private CopyPlan plan(CopyRequest r) {
        return CopyPlanner.plan(r, ctx, ImageView.empty(), tmp.resolve("downloads"));
    }

    @Test
    void downloadsWithGoodChecksumIntoDirectory() throws Exception {
        Digest sum = Digest.sha256(BODY);
        CopyPlan p = plan(CopyRequest.addOf("/opt/", base + "/files/tool.sh").withChecksum(sum.toString()));
        CopyEntry e = Fixtures.at(p, "/opt/tool.sh").orElseThrow();
        assertThat(e.mode()).isEqualTo(0600);
        assertThat(e.uid()).isZero();
        assertThat(e.mtimeNanos()).isEqualTo(1445412480L * 1_000_000_000L);
        Stager.stage(p, tmp.resolve("st"));
        assertThat(Files.readAllBytes(tmp.resolve("st/opt/tool.sh"))).isEqualTo(BODY);
        assertThat(StagerTest.mode(tmp.resolve("st/opt/tool.sh"))).isEqualTo(0600);
    }

    @Test
    void destWithoutSlashNamesTheFileAndChmodApplies() {
        CopyPlan p = plan(CopyRequest.addOf("/usr/bin/tool", base + "/redirect").withChmod("0755"));
        CopyEntry e = Fixtures.at(p, "/usr/bin/tool").orElseThrow();
        assertThat(e.mode()).isEqualTo(0755);
        assertThat(e.origin().orElseThrow().size()).isEqualTo(BODY.length);
    }

    @Test
    void badChecksumIsBadInput() {
        assertThatThrownBy(() -> plan(
                        CopyRequest.addOf("/opt/", base + "/files/tool.sh").withChecksum("sha256:" + "0".repeat(64))))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("checksum mismatch")
                .satisfies(x -> assertThat(((StrataException) x).exitCode()).isEqualTo(ExitCode.INPUT));
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void httpErrorsAreReported() {
        assertThatThrownBy(() -> plan(CopyRequest.addOf("/opt/", base + "/missing")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() ->
                        plan(CopyRequest.addOf("/opt/", base + "/files/tool.sh").withChecksum("md5:x")))
                .isInstanceOf(StrataException.class);
    }
}
