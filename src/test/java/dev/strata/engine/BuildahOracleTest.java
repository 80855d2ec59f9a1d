package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildah 1.28 ({@code bud --format docker --layers}) as an oracle: the same Dockerfile on the same
 * busybox base gives the same files (path, type, mode, owner, content) and config fields. Buildah's
 * known differences (issue 5) are kept out of the Dockerfile (no heredocs, WORKDIR used later) or
 * out of the comparison (runtime mount points it leaves in RUN layers).
 */
class BuildahOracleTest {
    /** What buildah leaves from its runtime mounts; docker and strata do not. */
    private static final Set<String> BUILDAH_LEFTOVERS =
            Set.of("run", "dev", "proc", "sys", "etc/hosts", "etc/resolv.conf", "etc/hostname");

    @TempDir
    Path dir;

    static final String DOCKERFILE = """
            FROM test/busybox:latest
            ENV APP=/srv/app GREETING="hello there"
            WORKDIR $APP
            RUN mkdir -p data && echo "$GREETING" > data/greeting && chmod 0750 data && rm /etc/group
            COPY --chown=1000:1000 a.txt sub/ ./
            RUN ln -s data/greeting link && touch -d @0 data/greeting
            LABEL org.example.name="oracle" version=1
            EXPOSE 8080 53/udp
            USER 1000
            ENTRYPOINT ["/bin/sh", "-c"]
            CMD ["cat /srv/app/data/greeting"]
            """;

    @Test
    void sameFilesAndConfigAsBuildah() throws Exception {
        BuildFixture f = new BuildFixture(dir.resolve("s"))
                .withBusybox()
                .files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        BuildResult r = f.build();
        Map<String, String> ours = tree(f.unpack(r.image(), "ours"));
        ContainerConfig cfg = r.image().config().config();

        Path root = dir.resolve("buildah-root");
        Path runroot = dir.resolve("buildah-run");
        List<String> b = List.of(
                "buildah", "--root", root.toString(), "--runroot", runroot.toString(), "--storage-driver", "vfs");
        try {
            String ctr = sh(b, "from", "scratch").strip();
            sh(b, "add", ctr, dir.resolve("s/busybox.tar").toString(), "/");
            sh(b, "config", "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ctr);
            sh(b, "commit", "-q", ctr, "localhost/test/busybox:latest");
            sh(b, "rm", ctr);
            sh(
                    b,
                    "bud",
                    "--format",
                    "docker",
                    "--layers",
                    "-q",
                    "--isolation",
                    "chroot",
                    "-t",
                    "oracle",
                    f.context.toString());
            JsonNode img = new ObjectMapper().readTree(sh(b, "inspect", "--type", "image", "oracle"));
            JsonNode c = img.path("Docker").path("config");
            String out = sh(b, "from", "oracle").strip();
            Path mnt = Path.of(sh(b, "mount", out).strip());
            Map<String, String> theirs = tree(mnt);
            sh(b, "umount", out);
            BUILDAH_LEFTOVERS.forEach(theirs::remove);
            theirs.keySet().removeIf(k -> BUILDAH_LEFTOVERS.stream().anyMatch(l -> k.startsWith(l + "/")));
            assertThat(ours).isEqualTo(theirs);
            assertThat(cfg.env()).containsExactlyElementsOf(strings(c.path("Env")));
            assertThat(cfg.workingDir()).isEqualTo(c.path("WorkingDir").asText());
            assertThat(cfg.user()).isEqualTo(c.path("User").asText());
            assertThat(cfg.entrypoint().orElseThrow()).containsExactlyElementsOf(strings(c.path("Entrypoint")));
            assertThat(cfg.cmd().orElseThrow()).containsExactlyElementsOf(strings(c.path("Cmd")));
            assertThat(cfg.labels()).containsAllEntriesOf(Map.of("org.example.name", "oracle", "version", "1"));
            List<String> ports = new ArrayList<>();
            c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
            assertThat(cfg.exposedPorts()).containsExactlyInAnyOrderElementsOf(ports);
        } finally {
            try {
                sh(b, "rm", "--all");
                sh(b, "rmi", "--all", "--force");
            } catch (RuntimeException ignored) {
                // best effort; the temp dir goes anyway
            }
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** path → "type mode uid:gid content-or-target" for every entry under root. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                Object gid = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir " + Integer.toOctalString(mode & 07777);
                } else {
                    what = "file " + Integer.toOctalString(mode & 07777) + " " + Digest.sha256(Files.readAllBytes(p));
                }
                out.put(rel, what + " " + uid + ":" + gid);
            }
        }
        return out;
    }

    private static String sh(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
