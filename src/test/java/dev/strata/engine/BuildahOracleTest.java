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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility suite: every case under {@code src/test/resources/compat/} (a Dockerfile and its
 * context, written from the Dockerfile reference and BuildKit's documented behaviour) is built by
 * strata and by buildah 1.28 ({@code bud --format docker --layers}) on the same busybox base, and
 * the two must give the same files (path, type, mode, owner, content or link target) and config
 * fields. Known, deliberate differences (docs/dockerfile.md) are kept out of the cases (heredocs,
 * which buildah 1.28 lacks) or out of the comparison (the runtime mount points buildah leaves in
 * RUN layers, its io.buildah.version label). bench/compat.bench.sh runs the same cases against
 * docker's BuildKit.
 */
class BuildahOracleTest {
    /** What buildah leaves from its runtime mounts; docker and strata do not. */
    private static final Set<String> BUILDAH_LEFTOVERS =
            Set.of("run", "dev", "proc", "sys", "etc/hosts", "etc/resolv.conf", "etc/hostname");

    static final Path CASES = Path.of("src/test/resources/compat");

    @TempDir
    static Path shared;

    private static List<String> buildah;

    @TestFactory
    Stream<DynamicTest> everyCompatCaseMatchesBuildah() throws IOException {
        try (Stream<Path> s = Files.list(CASES)) {
            List<Path> cases = s.filter(Files::isDirectory).sorted().toList();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(9);
            return cases.stream()
                    .map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> sameAsBuildah(c)));
        }
    }

    @AfterAll
    static void cleanUp() {
        if (buildah != null) {
            try {
                sh(buildah, "rm", "--all");
                sh(buildah, "rmi", "--all", "--force");
            } catch (Exception ignored) {
                // best effort; the temp dir goes anyway
            }
        }
    }

    /** buildah's root with the busybox base committed once, as the test/busybox:latest strata imports. */
    private static synchronized List<String> buildah(Path busyboxTar) throws Exception {
        if (buildah == null) {
            List<String> b = List.of(
                    "buildah",
                    "--root",
                    shared.resolve("buildah-root").toString(),
                    "--runroot",
                    shared.resolve("buildah-run").toString(),
                    "--storage-driver",
                    "vfs");
            String ctr = sh(b, "from", "scratch").strip();
            sh(b, "add", ctr, busyboxTar.toString(), "/");
            // the config BuildFixture gives test/busybox:latest
            sh(b, "config", "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ctr);
            sh(b, "config", "--cmd", "[\"sh\"]", ctr);
            sh(b, "commit", "-q", ctr, "localhost/test/busybox:latest");
            sh(b, "rm", ctr);
            buildah = b;
        }
        return buildah;
    }

    private static void sameAsBuildah(Path caseDir) throws Exception {
        String name = caseDir.getFileName().toString();
        BuildFixture f = new BuildFixture(shared.resolve("case-" + name)).withBusybox();
        copyTree(caseDir, f.context);
        BuildResult r = f.build();
        Map<String, String> ours = tree(f.unpack(r.image(), "ours"));
        ContainerConfig cfg = r.image().config().config();

        List<String> b = buildah(f.dir.resolve("busybox.tar"));
        String tag = "compat-" + name;
        sh(b, "bud", "--format", "docker", "--layers", "-q", "--isolation", "chroot", "-t", tag, f.context.toString());
        JsonNode img = new ObjectMapper().readTree(sh(b, "inspect", "--type", "image", tag));
        JsonNode c = img.path("Docker").path("config");
        String out = sh(b, "from", tag).strip();
        Map<String, String> theirs;
        try {
            theirs = tree(Path.of(sh(b, "mount", out).strip()));
        } finally {
            sh(b, "umount", out);
            sh(b, "rm", out);
        }
        BUILDAH_LEFTOVERS.forEach(theirs::remove);
        theirs.keySet().removeIf(k -> BUILDAH_LEFTOVERS.stream().anyMatch(l -> k.startsWith(l + "/")));
        assertThat(diff(ours, theirs)).as(name + ": files (strata | buildah)").isEmpty();
        assertThat(cfg.env()).as(name + ": Env").containsExactlyElementsOf(strings(c.path("Env")));
        assertThat(cfg.workingDir())
                .as(name + ": WorkingDir")
                .isEqualTo(c.path("WorkingDir").asText());
        assertThat(cfg.user()).as(name + ": User").isEqualTo(c.path("User").asText());
        assertThat(cfg.entrypoint().orElse(List.of()))
                .as(name + ": Entrypoint")
                .containsExactlyElementsOf(strings(c.path("Entrypoint")));
        assertThat(cfg.cmd().orElse(List.of())).as(name + ": Cmd").containsExactlyElementsOf(strings(c.path("Cmd")));
        Map<String, String> labels = new TreeMap<>();
        c.path("Labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.remove("io.buildah.version");
        assertThat(new TreeMap<>(cfg.labels())).as(name + ": Labels").isEqualTo(labels);
        List<String> ports = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertThat(cfg.exposedPorts()).as(name + ": ExposedPorts").containsExactlyInAnyOrderElementsOf(ports);
        List<String> volumes = new ArrayList<>();
        c.path("Volumes").fieldNames().forEachRemaining(volumes::add);
        assertThat(cfg.volumes()).as(name + ": Volumes").containsExactlyInAnyOrderElementsOf(volumes);
        assertThat(cfg.stopSignal())
                .as(name + ": StopSignal")
                .isEqualTo(c.path("StopSignal").asText());
    }

    /** The paths whose entries differ: path → "strata | buildah" (absent is "-"). */
    static Map<String, String> diff(Map<String, String> ours, Map<String, String> theirs) {
        Map<String, String> out = new TreeMap<>();
        Set<String> keys = new TreeSet<>(ours.keySet());
        keys.addAll(theirs.keySet());
        for (String k : keys) {
            String a = ours.getOrDefault(k, "-");
            String b = theirs.getOrDefault(k, "-");
            if (!a.equals(b)) {
                out.put(k, a + " | " + b);
            }
        }
        return out;
    }

    /** Copies a case's files (Dockerfile, .dockerignore, context) into the fixture's context. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
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
