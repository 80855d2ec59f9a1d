package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.registry.RegistryFixture;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strata's own image (image/build.sh, built by strata from image/Dockerfile on a base assembled
 * from this machine's Debian packages) started in a private dockerd (Debian's docker.io: its own
 * socket, data and exec roots, no bridge, no iptables) with docker's default security settings (no
 * --privileged, no added capability, default seccomp): it builds examples/quickstart with RUN
 * steps and pushes it and its cache to a registry on 127.0.0.1 (host network); a second container,
 * on an empty store, hits every step from that cache. Prints the image's size and start-up time.
 * Several minutes (the image build, jlink, the class-data training), so in the long profile.
 */
@Tag("slow")
class StrataImageTest {
    /** Group paths of the jars strata runs with (pom.xml's compile dependencies). */
    private static final List<String> RUNTIME_JARS = List.of(
            "/info/picocli/",
            "/com/fasterxml/jackson/",
            "/org/apache/commons/",
            "/commons-io/",
            "/org/tukaani/",
            "/com/github/luben/");

    @TempDir
    Path tmp;

    @Test
    void theImageBuildsAndPushesWithRunStepsInAnUnprivilegedContainerAndReusesTheCache() throws Exception {
        Path jar = fatJar(tmp.resolve("strata.jar"));
        Path strata = launcher();
        Path archive = tmp.resolve("strata-image.tar");
        Path store = tmp.resolve("store");
        long t0 = System.nanoTime();
        Result built = run(
                List.of("image/build.sh", archive.toString()),
                Path.of("."),
                List.of("STRATA=" + strata, "STRATA_JAR=" + jar, "STRATA_HOME=" + store, "TAG=strata:test"),
                900);
        assertThat(built.code).as(built.out).isZero();
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(built.out)
                .contains("FROM strata-image/debian-base:latest")
                .contains("RUN /opt/strata/java/bin/java");

        try (RegistryFixture registry = RegistryFixture.plain();
                Dockerd docker = Dockerd.start(tmp.resolve("docker"))) {
            String host = registry.host();
            // the seed example's base, in the registry the container reads
            Result base = run(
                    List.of(
                            "sh",
                            "-c",
                            "set -e; mkdir -p r/bin r/etc r/tmp; cp /bin/busybox r/bin/; for a in $(/bin/busybox --list);"
                                    + " do [ $a = busybox ] || ln -s busybox r/bin/$a; done;"
                                    + " printf 'root:x:0:0:root:/root:/bin/sh\\n' > r/etc/passwd;"
                                    + " tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C r -cf r.tar .;"
                                    + " \"$0\" import r.tar -t quickstart/busybox:latest -c 'ENV PATH=/usr/bin:/bin';"
                                    + " \"$0\" push quickstart/busybox:latest \"$1/quickstart/busybox:latest\"",
                            strata.toString(),
                            host),
                    Files.createDirectories(tmp.resolve("base")),
                    List.of("STRATA_HOME=" + store),
                    120);
            assertThat(base.code).as(base.out).isZero();
            Result load = docker.run(List.of("load", "-i", archive.toString()), 300);
            assertThat(load.code).as(load.out).isZero();
            Result inspect = docker.run(List.of("image", "inspect", "--format", "{{.Size}}", "strata:test"), 60);
            long imageBytes = Long.parseLong(inspect.out.strip());

            List<Long> starts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                Result v = docker.run(List.of("run", "--rm", "strata:test", "--version"), 60);
                starts.add((System.nanoTime() - s) / 1_000_000);
                assertThat(v.code).as(v.out).isZero();
                assertThat(v.out).contains("strata ");
            }
            Result jvm = docker.run(
                    List.of(
                            "run",
                            "--rm",
                            "--entrypoint",
                            "sh",
                            "strata:test",
                            "-c",
                            "for i in 1 2 3 4 5; do s=$(date +%s%N); strata --version >/dev/null; e=$(date +%s%N);"
                                    + " echo $(( (e - s) / 1000000 )); done"),
                    60);
            assertThat(jvm.code).as(jvm.out).isZero();

            Path ctx = Path.of("examples/quickstart").toAbsolutePath();
            String cache = host + "/quickstart/app:buildcache";
            List<String> job = List.of(
                    "run",
                    "--rm",
                    "--network",
                    "host",
                    "-v",
                    ctx + ":/workspace:ro",
                    "strata:test",
                    "build",
                    "--progress=plain",
                    "--build-arg",
                    "BASE=" + host + "/quickstart/busybox:latest",
                    "--cache-from",
                    cache,
                    "--cache-to",
                    "type=registry,ref=" + cache + ",mode=max",
                    "-t",
                    host + "/quickstart/app:1",
                    "--push",
                    ".");
            Result first = docker.run(job, 600);
            assertThat(first.code).as(first.out).isZero();
            assertThat(first.out)
                    .contains("isolation none")
                    .contains("not protected")
                    .contains("installed")
                    .contains("pushed " + host + "/quickstart/app:1")
                    .contains("0 of 6 steps cached");
            Result second = docker.run(job, 600);
            assertThat(second.code).as(second.out).isZero();
            assertThat(second.out)
                    .containsPattern("(?m)^#\\d+ HIT  RUN echo 123 \\(from registry:")
                    .contains("6 of 6 steps cached")
                    .doesNotContain(" MISS ");
            // the pushed image runs in the same docker, RUN's files in it
            Result app = docker.run(
                    List.of("run", "--rm", "--network", "host", host + "/quickstart/app:1", "cat", "/opt/tool/VERSION"),
                    120);
            assertThat(app.code).as(app.out).isZero();
            assertThat(app.out).contains("24.0");

            String report = String.format(
                    "image: %.1f MiB unpacked, docker archive %.1f MiB; image/build.sh %.0f s;"
                            + " docker run --rm strata:test --version (ms, 5 runs): %s;"
                            + " strata --version inside the container (ms): %s",
                    imageBytes / 1048576.0,
                    Files.size(archive) / 1048576.0,
                    buildSeconds,
                    starts,
                    jvm.out.strip().replace('\n', ' '));
            System.out.println("StrataImageTest: " + report);
            Files.writeString(Path.of("target", "strata-image-numbers.txt"), report + "\n");
        }
    }

    /** The strata command for the host side: this test's classes in a child JVM. */
    private Path launcher() throws IOException {
        Path s = tmp.resolve("bin/strata");
        Files.createDirectories(s.getParent());
        Files.writeString(
                s,
                "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                        + System.getProperty("java.class.path") + "' dev.strata.cli.Main \"$@\"\n");
        s.toFile().setExecutable(true);
        return s;
    }

    /** strata's classes and its runtime jars in one jar, as the shade plugin makes it after the tests. */
    private static Path fatJar(Path out) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.strata.cli.Main");
        m.getMainAttributes().put(new Attributes.Name("Multi-Release"), "true");
        Set<String> seen = new HashSet<>(Set.of("META-INF/MANIFEST.MF"));
        try (OutputStream o = Files.newOutputStream(out);
                JarOutputStream j = new JarOutputStream(o, m)) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry).toAbsolutePath();
                if (Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))) {
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f :
                                files.filter(Files::isRegularFile).sorted().toList()) {
                            String name = p.relativize(f).toString();
                            if (seen.add(name)) {
                                j.putNextEntry(new JarEntry(name));
                                Files.copy(f, j);
                                j.closeEntry();
                            }
                        }
                    }
                } else if (entry.endsWith(".jar") && RUNTIME_JARS.stream().anyMatch(entry::contains)) {
                    try (JarFile jf = new JarFile(p.toFile())) {
                        for (JarEntry e : jf.stream().toList()) {
                            String name = e.getName();
                            if (e.isDirectory()
                                    || name.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")
                                    || name.equals("module-info.class")
                                    || !seen.add(name)) {
                                continue;
                            }
                            j.putNextEntry(new JarEntry(name));
                            try (InputStream in = jf.getInputStream(e)) {
                                in.transferTo(j);
                            }
                            j.closeEntry();
                        }
                    }
                }
            }
        }
        return out;
    }

    record Result(int code, String out) {}

    static Result run(List<String> cmd, Path cwd, List<String> env, int seconds) throws Exception {
        Path log = Files.createTempFile("strata-image-test-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(cwd.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().remove("SOURCE_DATE_EPOCH");
            for (String kv : env) {
                int eq = kv.indexOf('=');
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError(cmd + " did not end in " + seconds + " s: " + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A dockerd of this test's own: private socket, data and exec roots, no bridge, no iptables. */
    static final class Dockerd implements AutoCloseable {
        private final Path dir;
        private final Process process;

        private Dockerd(Path dir, Process process) {
            this.dir = dir;
            this.process = process;
        }

        static Dockerd start(Path dir) throws Exception {
            Files.createDirectories(dir);
            // unix sockets take at most 107 bytes: a short exec root under /tmp
            Path exec = Files.createTempDirectory(Path.of("/tmp"), "sdx-");
            Process p = new ProcessBuilder(
                            "dockerd",
                            "--data-root",
                            dir.resolve("data").toString(),
                            "--exec-root",
                            exec.toString(),
                            "--pidfile",
                            dir.resolve("dockerd.pid").toString(),
                            "--host",
                            "unix://" + exec.resolve("docker.sock"),
                            "--bridge=none",
                            "--iptables=false",
                            "--ip6tables=false")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dockerd.log").toFile())
                    .start();
            Dockerd d = new Dockerd(exec, p);
            for (int i = 0; i < 120; i++) {
                if (d.run(List.of("version"), 10).code == 0) {
                    return d;
                }
                Thread.sleep(500);
            }
            d.close();
            throw new AssertionError("dockerd did not start: " + Files.readString(dir.resolve("dockerd.log")));
        }

        Result run(List<String> args, int seconds) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + dir.resolve("docker.sock")));
            cmd.addAll(args);
            return StrataImageTest.run(cmd, Path.of("."), List.of(), seconds);
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: dockerd stops its containers and its containerd, unmounts
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            // dockerd leaves its netns file bind-mounted under the exec root
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String target = line.split(" ")[1];
                if (target.startsWith(dir + "/")) {
                    new ProcessBuilder("umount", "-l", target).start().waitFor();
                }
            }
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }
}
