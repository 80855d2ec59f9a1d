package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.strata.archive.LayerExtractor;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheOptions;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.DirCache;
import dev.strata.cache.MountBlob;
import dev.strata.exec.CacheMountDir;
import dev.strata.oci.Layer;
import dev.strata.progress.Notice;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pip-like RUN fills a cache mount from a package server on 127.0.0.1; each job runs on an empty
 * store (a fresh CI runner) with changed requirements, so the RUN misses every time. With
 * {@code cache-mounts=true} the second job downloads nothing; without it, everything again.
 */
class CacheMountExportTest extends MountCheckedTest {
    private static final List<String> PACKAGES = List.of("alpha-1.0.whl", "beta-2.1.whl", "gamma-0.3.whl");

    private HttpServer server;
    private final AtomicInteger downloads = new AtomicInteger();
    private final List<String> notices = new ArrayList<>();
    private int jobs;

    @BeforeEach
    void packageServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/pkg/", x -> {
            downloads.incrementAndGet();
            String name = x.getRequestURI().getPath().substring("/pkg/".length());
            byte[] body = wheel(name);
            x.sendResponseHeaders(PACKAGES.contains(name) ? 200 : 404, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        BuildFixture.assertNoRunLeftovers(dir.resolve("job-0/store/tmp"));
    }

    /** 16 KiB that do not compress, the same for a name every time (a real wheel is compressed too). */
    private static byte[] wheel(String name) {
        byte[] b = new byte[16 << 10];
        new Random(name.hashCode()).nextBytes(b);
        return b;
    }

    private String dockerfile() {
        int port = server.getAddress().getPort();
        return """
                FROM test/busybox:latest
                COPY requirements.txt /app/requirements.txt
                RUN --mount=type=cache,id=pip,target=/root/.cache/pip \\
                    for p in $(cat /app/requirements.txt); do \\
                      [ -f /root/.cache/pip/$p ] || wget -q -O /root/.cache/pip/$p http://127.0.0.1:%d/pkg/$p; \\
                      cp /root/.cache/pip/$p /app/$p; \\
                    done
                """.formatted(port);
    }

    /** A job on a fresh store; {@code requirements} in the order given (another order is another input). */
    private BuildFixture job(List<String> requirements) throws Exception {
        return new BuildFixture(dir.resolve("job-" + jobs++))
                .withBusybox()
                .files(dockerfile(), Map.of("requirements.txt", String.join("\n", requirements) + "\n"));
    }

    private BuildResult build(BuildFixture f, String from, String to) {
        CacheOptions opts = new CacheOptions(
                from.isEmpty() ? List.of() : List.of(CacheSpec.parseFrom(from)),
                to.isEmpty() ? List.of() : List.of(CacheSpec.parseTo(to)));
        notices.clear();
        return Engine.build(BuildRequest.builder(f.context).cache(opts).build(), f.store, e -> {
            if (e instanceof Notice n) {
                notices.add(n.text());
            }
        });
    }

    private Path cacheDir() {
        return dir.resolve("cache");
    }

    private CacheManifest cache() {
        return DirCache.read(CacheSpec.parseFrom("type=local,src=" + cacheDir()))
                .orElseThrow()
                .manifest();
    }

    private static List<String> reversed() {
        List<String> r = new ArrayList<>(PACKAGES);
        Collections.reverse(r);
        return r;
    }

    @Test
    void withCacheMountExportTheSecondRunnerDownloadsNothing() throws Exception {
        String to = "type=local,dest=" + cacheDir() + ",cache-mounts=true";
        String from = "type=local,src=" + cacheDir();
        build(job(PACKAGES), "", to);
        assertThat(downloads.get()).isEqualTo(3);
        MountBlob pip = cache().mounts().get("pip");
        assertThat(pip).isNotNull();
        assertThat(pip.blob().mediaType()).isEqualTo(MountBlob.MEDIA_TYPE);

        BuildFixture second = job(reversed());
        BuildResult r = build(second, from, to);
        assertThat(r.steps()).noneMatch(StepReport::cached); // the COPY changed, so the RUN ran again
        assertThat(downloads.get()).as("requests to the package server").isEqualTo(3);
        assertThat(notices).anyMatch(n -> n.startsWith("restored cache mount pip of " + cacheDir()));
        assertThat(notices).anyMatch(n -> n.contains("cache mounts pip"));
        Path root = second.unpack(r.image(), "second");
        for (String p : PACKAGES) {
            assertThat(Files.readAllBytes(root.resolve("app/" + p))).isEqualTo(wheel(p));
        }
        // the mount's content never enters an image layer
        assertThat(root.resolve("root/.cache/pip")).doesNotExist();
        for (Layer l : r.image().layers()) {
            assertThat(entries(l)).noneMatch(n -> n.contains(".cache/pip"));
        }
        // unchanged content is the same blob: the export deduplicates it
        assertThat(cache().mounts().get("pip").blob().digest())
                .isEqualTo(pip.blob().digest());
    }

    @Test
    void withoutCacheMountExportTheSecondRunnerDownloadsEverything() throws Exception {
        String to = "type=local,dest=" + cacheDir();
        build(job(PACKAGES), "", to);
        assertThat(cache().mounts()).isEmpty();
        build(job(reversed()), "type=local,src=" + cacheDir(), to);
        assertThat(downloads.get()).isEqualTo(6);
    }

    @Test
    void aMountIsFetchedOnlyBeforeARunThatMisses() throws Exception {
        String to = "type=local,dest=" + cacheDir() + ",cache-mounts=pip";
        String from = "type=local,src=" + cacheDir();
        build(job(PACKAGES), "", to);
        MountBlob pip = cache().mounts().get("pip");
        // the same inputs on a fresh runner: every step hits, the mount is not read
        BuildFixture f = job(PACKAGES);
        BuildResult hit = build(f, from, to);
        assertThat(hit.steps()).allMatch(StepReport::cached);
        assertThat(f.store.hasBlob(pip.blob().digest())).isFalse();
        assertThat(CacheMountDir.of(f.store.root().resolve("cache-mounts"), "pip"))
                .doesNotExist();
        // the all-hit export kept the mount (a hit used it, so it counts as used)
        assertThat(cache().mounts().get("pip").blob()).isEqualTo(pip.blob());
        // on the same runner, changed requirements: now the RUN misses and the mount comes first
        Files.writeString(f.context.resolve("requirements.txt"), String.join("\n", reversed()) + "\n");
        build(f, from, to);
        assertThat(f.store.hasBlob(pip.blob().digest())).isTrue();
        assertThat(downloads.get()).isEqualTo(3);
    }

    @Test
    void aMountBeyondItsBudgetIsLeftOutWithAWarning() throws Exception {
        build(job(PACKAGES), "", "type=local,dest=" + cacheDir() + ",cache-mounts=true,cache-mounts-max-size=4k");
        assertThat(cache().mounts()).isEmpty();
        assertThat(notices)
                .anyMatch(n -> n.startsWith("warning: cache mount pip is ")
                        && n.contains("beyond cache-mounts-max-size=4096 bytes"));
    }

    private static List<String> entries(Layer l) throws Exception {
        List<String> out = new ArrayList<>();
        try (InputStream in = LayerExtractor.decompress(l.open());
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.add(e.getName());
            }
        }
        return out;
    }
}
