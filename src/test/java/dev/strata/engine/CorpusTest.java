package dev.strata.engine;

import static dev.strata.engine.CorpusFiles.copyTree;
import static dev.strata.engine.CorpusFiles.dir;
import static dev.strata.engine.CorpusFiles.fieldNames;
import static dev.strata.engine.CorpusFiles.file;
import static dev.strata.engine.CorpusFiles.makeArchives;
import static dev.strata.engine.CorpusFiles.resource;
import static dev.strata.engine.CorpusFiles.serve;
import static dev.strata.engine.CorpusFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.strata.dockerfile.BuildOptions;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus: Dockerfiles under {@code src/test/resources/corpus/<case>/}, each built into one shared
 * store, exported as an OCI layout and unpacked by umoci (a real consumer). The rootfs is compared
 * entry by entry with the busybox base (so nothing unexpected — runtime stubs, ignored files — slips
 * in) and the config JSON field by field with what docker (BuildKit) writes for the same Dockerfile.
 */
class CorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Store store;
    /** The base image's tree as umoci unpacks it. */
    static Map<String, String> baseTree;

    @TempDir
    Path dir;

    /** One built case: the unpacked rootfs, the image config JSON and the build result. */
    record Built(Path root, JsonNode config, BuildResult result) {
        JsonNode cfg() {
            return config.path("config");
        }

        List<String> history() {
            List<String> out = new ArrayList<>();
            config.path("history")
                    .forEach(h -> out.add(h.path("created_by").asText()
                            + (h.path("empty_layer").asBoolean(false) ? " (empty)" : "")));
            return out;
        }
    }

    @BeforeAll
    static void base() throws Exception {
        store = Store.open(shared.resolve("store"));
        BuildFixture.importBusybox(store, shared.resolve("busybox-rootfs"));
        BuildFixture f = new BuildFixture(shared.resolve("base"), store).files("FROM test/busybox:latest\n", Map.of());
        baseTree = BuildahOracleTest.tree(
                export(f, f.build(withLayout(f, BuildRequest.of(f.context)))).root());
    }

    @AfterEach
    void nothingStaysMounted() throws Exception {
        String mounts = Files.readString(Path.of("/proc/mounts"));
        assertThat(mounts).doesNotContain(dir.toString()).doesNotContain(shared.toString());
    }

    // ---- cases ----

    @Test
    void multiStageCopyFromNameIndexAndImageWithBuildArgs() throws Exception {
        Built b = build(
                "stages",
                r -> r.toBuilder()
                        .options(BuildOptions.of(Map.of("VERSION", "2"), Optional.empty()))
                        .build());
        assertThat(delta(b))
                .isEqualTo(Map.of(
                        "app",
                        dir(755),
                        "app/version",
                        file(644, "v2 plain\n"),
                        "app/sub",
                        dir(755),
                        "app/sub/s",
                        file(644, "s\n"),
                        "from-index",
                        file(644, "v2 plain\n"),
                        "from-image",
                        baseTree.get("etc/group")));
        // a stage sees a global ARG only when it declares it; FLAVOR belongs to the builder stage
        assertThat(strings(b.cfg().path("Env"))).contains("BUILT_VERSION=2", "FLAVOR_HERE=unset");
        assertThat(b.history())
                .endsWith(
                        "ARG VERSION=2 (empty)",
                        "COPY /out/ /app/ # buildkit",
                        "COPY /first /from-index # buildkit",
                        "COPY /etc/group /from-image # buildkit",
                        "ENV BUILT_VERSION=2 FLAVOR_HERE=unset (empty)");
    }

    @Test
    void everyConfigInstruction() throws Exception {
        Built b = build("config", r -> r);
        JsonNode c = b.cfg();
        assertThat(strings(c.path("Env")))
                .containsExactly(
                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "A=1",
                        "B=two words",
                        "C=1-x");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/srv/app");
        assertThat(c.path("User").asText()).isEqualTo("app:staff");
        assertThat(c.path("Labels").toString()).isEqualTo("{\"b\":\"y\",\"org.example.a\":\"x\"}");
        assertThat(fieldNames(c.path("ExposedPorts"))).containsExactly("53/udp", "8080/tcp");
        assertThat(fieldNames(c.path("Volumes"))).containsExactly("/data", "/logs");
        assertThat(c.path("StopSignal").asText()).isEqualTo("SIGTERM");
        JsonNode hc = c.path("Healthcheck");
        assertThat(strings(hc.path("Test"))).containsExactly("CMD-SHELL", "wget -q localhost || exit 1");
        assertThat(hc.path("Interval").asLong()).isEqualTo(5_000_000_000L);
        assertThat(hc.path("Timeout").asLong()).isEqualTo(3_000_000_000L);
        assertThat(hc.path("Retries").asInt()).isEqualTo(2);
        assertThat(strings(c.path("Shell"))).containsExactly("/bin/sh", "-ec");
        assertThat(strings(c.path("Cmd"))).containsExactly("run", "it");
        // WORKDIR created (relative to the previous one) in its own layer, like docker
        assertThat(delta(b)).isEqualTo(Map.of("srv", dir(755), "srv/app", dir(755)));
        assertThat(b.result().image().layers()).hasSize(3);
        assertThat(b.history())
                .containsExactly(
                        "import busybox",
                        "ENV A=1 B=two words (empty)",
                        "ENV C=1-x (empty)",
                        "WORKDIR /srv",
                        "WORKDIR /srv/app",
                        "USER app:staff (empty)",
                        "LABEL org.example.a=x b=y (empty)",
                        "EXPOSE [8080/tcp 53/udp] (empty)",
                        "VOLUME [/data /logs] (empty)",
                        "STOPSIGNAL SIGTERM (empty)",
                        "HEALTHCHECK &{[\"CMD-SHELL\" \"wget -q localhost || exit 1\"] \"5s\" \"3s\" \"0s\" \"0s\" '\\x02'} (empty)",
                        "SHELL [/bin/sh -ec] (empty)",
                        "CMD [\"run\" \"it\"] (empty)");

        // ENTRYPOINT resets an inherited CMD; a CMD set earlier in the same stage stays
        JsonNode reset = build(
                        "config",
                        r -> r.toBuilder()
                                .options(BuildOptions.of(Map.of(), Optional.of("reset")))
                                .build())
                .cfg();
        assertThat(strings(reset.path("Entrypoint"))).containsExactly("/bin/echo");
        assertThat(reset.path("Cmd").isMissingNode() || reset.path("Cmd").isNull())
                .as(reset.toString())
                .isTrue();
        JsonNode keep = build(
                        "config",
                        r -> r.toBuilder()
                                .options(BuildOptions.of(Map.of(), Optional.of("keep")))
                                .build())
                .cfg();
        assertThat(strings(keep.path("Cmd"))).containsExactly("kept");
        // SHELL applies to shell-form ENTRYPOINT and CMD
        Built shellBuilt = build(
                "config",
                r -> r.toBuilder()
                        .options(BuildOptions.of(Map.of(), Optional.of("shellform")))
                        .build());
        JsonNode shell = shellBuilt.cfg();
        assertThat(delta(shellBuilt)).isEqualTo(Map.of("shell-used", file(644, "/bin/ash\n")));
        assertThat(shellBuilt.history())
                .endsWith(
                        "SHELL [/bin/ash -eo pipefail -c] (empty)",
                        "ENTRYPOINT [\"/bin/ash\" \"-eo\" \"pipefail\" \"-c\" \"exec /bin/echo\"] (empty)",
                        "CMD [\"/bin/ash\" \"-eo\" \"pipefail\" \"-c\" \"echo hi\"] (empty)",
                        "RUN /bin/ash -eo pipefail -c echo \"$0\" > /shell-used # buildkit");
        assertThat(strings(shell.path("Entrypoint")))
                .containsExactly("/bin/ash", "-eo", "pipefail", "-c", "exec /bin/echo");
        assertThat(strings(shell.path("Cmd"))).containsExactly("/bin/ash", "-eo", "pipefail", "-c", "echo hi");
    }

    @Test
    void heredocsForRunAndCopy() throws Exception {
        Built b = build("heredoc", r -> r);
        assertThat(delta(b))
                .isEqualTo(Map.of(
                        "h1",
                        file(644, "first\nsecond heredoc\n"),
                        "h2",
                        file(644, "quoted heredoc\n"),
                        "etc/motd",
                        file(644, "hello heredoc\n"),
                        "usr",
                        dir(755),
                        "usr/local",
                        dir(755),
                        "usr/local/bin",
                        dir(755),
                        "usr/local/bin/hi",
                        file(755, "#!/bin/sh\necho hi\n"),
                        "h3",
                        file(644, "hi\n")));
        assertThat(b.history())
                .contains("COPY <<EOF /etc/motd # buildkit", "COPY --chmod=0755 <<EOF /usr/local/bin/hi # buildkit");
    }

    @Test
    void onbuildIsRecordedInTheParentAndTriggeredInTheChild() throws Exception {
        Built parent = build("onbuild-parent", r -> r);
        assertThat(strings(parent.cfg().path("OnBuild")))
                .containsExactly("RUN echo triggered > /onbuild", "COPY a.txt /from-trigger");
        assertThat(delta(parent)).isEqualTo(Map.of("parent", file(644, "parent\n")));
        // like BuildKit, ONBUILD lands in the config only, not in history
        assertThat(parent.history())
                .containsExactly("import busybox", "RUN /bin/sh -c echo parent > /parent # buildkit");
        Built child = build("onbuild-child", r -> r);
        assertThat(child.cfg().path("OnBuild").isMissingNode()
                        || child.cfg().path("OnBuild").isNull()
                        || child.cfg().path("OnBuild").isEmpty())
                .as(child.cfg().toString())
                .isTrue();
        assertThat(delta(child))
                .isEqualTo(Map.of(
                        "parent",
                        file(644, "parent\n"),
                        "onbuild",
                        file(644, "triggered\n"),
                        "from-trigger",
                        file(644, "child context\n"),
                        "seen",
                        file(644, "triggered\nchild context\n")));
        assertThat(child.history())
                .endsWith(
                        "RUN /bin/sh -c echo triggered > /onbuild # buildkit",
                        "COPY a.txt /from-trigger # buildkit",
                        "RUN /bin/sh -c cat /onbuild /from-trigger > /seen # buildkit");
    }

    @Test
    void copySemanticsOwnersModesAndDockerignore() throws Exception {
        Built b = build("copy", r -> r);
        Map<String, String> d = delta(b);
        Map<String, String> want = new TreeMap<>();
        // a missing parent made by COPY --chown gets that owner too (docker: "new files and directories")
        want.put("owned", dir(755, "1000:50"));
        want.put("owned/a.txt", file(644, "A\n", "1000:50"));
        want.put("owned/b.txt", file(644, "B\n", "1000:1000"));
        want.put("owned/numeric", file(644, "B\n", "1234:5678"));
        want.put("modes", dir(755));
        want.put("modes/a640", file(640, "A\n"));
        // --chmod covers the copied directories too, as in BuildKit, but not the destination it
        // creates first (0755, as docker leaves it: issue 13's differential)
        dirCopy(want, "modes/dir", 750, 750);
        want.put("modes/dir", dir(755));
        want.put("modes/b.txt", file(644, "B\n"));
        dirCopy(want, "contents", 755, 644);
        want.put("globbed", dir(755));
        want.put("globbed/a.txt", file(644, "A\n"));
        want.put("globbed/b.txt", file(644, "B\n"));
        want.put("deep", dir(755));
        want.put("deep/missing", dir(755));
        want.put("deep/missing/parents", dir(755));
        want.put("deep/missing/parents/a.txt", file(644, "A\n"));
        want.put("deep/asdir", dir(755));
        want.put("deep/asdir/a.txt", file(644, "A\n"));
        want.put("deep/asdir/b.txt", file(644, "B\n"));
        want.put("renamed", file(644, "A\n"));
        want.put("excl", dir(755));
        want.put("excl/nested", dir(755));
        want.put("excl/nested/y.txt", file(644, "y\n"));
        want.put("excl/link", "link x.txt 0:0");
        want.put("par", dir(755));
        want.put("par/dir", dir(755));
        want.put("par/dir/nested", dir(755));
        want.put("par/dir/nested/y.txt", file(644, "y\n"));
        want.put("all", dir(755));
        for (String f : List.of("Dockerfile", ".dockerignore", "a.txt", "b.txt")) {
            want.put("all/" + f, file(644, Files.readString(resource("copy").resolve(f))));
        }
        dirCopy(want, "all/dir", 755, 644); // but not ignored.txt nor secret/ (.dockerignore)
        // WORKDIR after USER makes its missing dirs owned by that user, as BuildKit does
        for (String made : List.of("home", "home/app", "home/app/work")) {
            want.put(made, dir(755, "1000:1000"));
        }
        want.put("tmp/whoami", file(644, "1000\n", "1000:1000"));
        assertThat(d).isEqualTo(want);
        // BuildKit's history keeps --chown, --chmod and --parents of COPY, never --from or --exclude
        assertThat(b.history())
                .contains(
                        "COPY --chown=app:staff a.txt /owned/a.txt # buildkit",
                        "COPY --chmod=750 dir/ /modes/dir/ # buildkit",
                        "COPY dir/ /excl/ # buildkit",
                        "COPY --parents dir/nested/y.txt /par/ # buildkit",
                        "WORKDIR /home/app/work");
    }

    @Test
    void runMountsLeaveNoMountPointsOrSecretsInTheLayers() throws Exception {
        Built b = build(
                "mounts",
                r -> r.toBuilder()
                        .secrets(Map.of("tok", "s3cr3t".getBytes(StandardCharsets.UTF_8)))
                        .build());
        // no /cache, /run/secrets, /scratch or /conf stubs: only what the commands wrote
        assertThat(delta(b))
                .isEqualTo(
                        Map.of("count", file(644, "x\n"), "secret-size", file(644, "6\n"), "bound", file(644, "C\n")));
        assertThat(b.config().toString()).doesNotContain("s3cr3t");
    }

    @Test
    void whiteoutsWorkdirAndNoRuntimeLeftovers() throws Exception {
        Built b = build("whiteouts", r -> r);
        // removed lower file and dir are gone; RUN true added nothing (no /run, /dev, /etc/hosts stubs)
        // a dir removed and made again is opaque: only the new file shows
        assertThat(delta(b))
                .isEqualTo(Map.of(
                        "lower",
                        dir(755),
                        "lower/keep",
                        file(644, "k\n"),
                        "lower/alias",
                        "link keep 0:0",
                        "lower/opq",
                        dir(755),
                        "lower/opq/new",
                        file(644, "new\n"),
                        "work",
                        dir(755),
                        "work/here",
                        dir(755)));
        assertThat(b.history())
                .endsWith(
                        "RUN /bin/sh -c rm /lower/file # buildkit",
                        "RUN /bin/sh -c rm -rf /lower/dir /lower/opq && mkdir /lower/opq && echo new > /lower/opq/new # buildkit",
                        "RUN /bin/sh -c true # buildkit (empty)",
                        "WORKDIR /work/here");
        // base + mkdir + rm + rm -rf + WORKDIR: every non-empty history entry has its layer
        assertThat(b.result().image().layers()).hasSize(5);
    }

    @Test
    void addExtractsLocalArchivesAndFetchesAUrlWithAChecksum() throws Exception {
        HttpServer http = serve("remote content\n");
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/remote.txt";
            Built b = build(
                    "archives",
                    r -> r.toBuilder()
                            .options(BuildOptions.of(Map.of("URL", url), Optional.empty()))
                            .build());
            Map<String, String> want = new TreeMap<>();
            for (String d : List.of("gz", "bz2", "xz", "zst")) {
                want.put(d, dir(755));
                want.put(d + "/inner.txt", file(640, "inside\n", "1234:1234"));
                want.put(d + "/sub", dir(750, "1234:1234"));
                want.put(d + "/sub/deep.txt", file(644, "deep\n", "1234:1234"));
            }
            want.put("plain", dir(755));
            want.put("plain/plain.txt", file(644, "plain\n"));
            want.put("dl", dir(755));
            want.put("dl/remote.txt", file(600, "remote content\n"));
            assertThat(delta(b)).isEqualTo(want);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void mtimesAreKeptAndClampedUnderSourceDateEpoch() throws Exception {
        Instant epoch = Instant.ofEpochSecond(1_000_000);
        Built b = build("mtimes", r -> {
            try {
                Files.setLastModifiedTime(r.context().resolve("old.txt"), FileTime.from(Instant.ofEpochSecond(500)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r.toBuilder().sourceDateEpoch(epoch).build();
        });
        assertThat(Files.getLastModifiedTime(b.root().resolve("old.txt")).toInstant())
                .isEqualTo(Instant.ofEpochSecond(500));
        assertThat(Files.getLastModifiedTime(b.root().resolve("new.txt")).toInstant())
                .isEqualTo(epoch);
        assertThat(b.config().path("created").asText()).isEqualTo("1970-01-12T13:46:40Z");
    }

    // ---- bad input: one line with Dockerfile:line, the right exit code, nothing left mounted ----

    @Test
    void badInputFailsWithTheLineAndExitCode() throws Exception {
        assertFails("missing.Dockerfile", Map.of(), ExitCode.INPUT, "missing.Dockerfile:3", "nothere.txt");
        assertFails("outside.Dockerfile", Map.of(), ExitCode.INPUT, "outside.Dockerfile:2", "../outside.txt");
        // like docker, an unknown --from name is taken for an image and looked up in its registry:
        // a registry failure (3) naming the line
        assertFails("stage.Dockerfile", Map.of(), ExitCode.REGISTRY, "stage.Dockerfile:3", "127.0.0.1:9/nosuchstage");
        assertFails("run.Dockerfile", Map.of(), ExitCode.STEP_FAILED, "run.Dockerfile:3", "exited with code 3");
        assertFails("chown.Dockerfile", Map.of(), ExitCode.INPUT, "chown.Dockerfile:2", "nosuchuser");
        assertFails(
                "run.Dockerfile",
                BuildOptions.of(Map.of(), Optional.of("nosuch")),
                ExitCode.INPUT,
                "run.Dockerfile",
                "nosuch");
        HttpServer http = serve("remote content\n");
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/remote.txt";
            assertFails("checksum.Dockerfile", Map.of("URL", url), ExitCode.INPUT, "checksum.Dockerfile:3", "checksum");
        } finally {
            http.stop(0);
        }
    }

    private void assertFails(String dockerfile, Map<String, String> args, ExitCode code, String where, String what)
            throws Exception {
        assertFails(dockerfile, BuildOptions.of(args, Optional.empty()), code, where, what);
    }

    private void assertFails(String dockerfile, BuildOptions options, ExitCode code, String where, String what)
            throws Exception {
        BuildFixture f = new BuildFixture(dir.resolve(dockerfile), store);
        copyTree(resource("bad"), f.context);
        BuildRequest req = BuildRequest.builder(f.context)
                .dockerfile(f.context.resolve(dockerfile))
                .options(options)
                .build();
        assertThatThrownBy(() -> f.build(req)).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(code);
            // the first line says it all; a failing RUN adds the command's last output below it
            assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .contains(where)
                    .contains(what);
        });
        assertThat(Files.readString(Path.of("/proc/mounts")))
                .doesNotContain(shared.toString())
                .doesNotContain(dir.toString());
    }

    // ---- helpers ----

    private Built build(String name, UnaryOperator<BuildRequest> tweak) throws Exception {
        BuildFixture f = new BuildFixture(Files.createTempDirectory(dir, name), store);
        copyTree(resource(name), f.context);
        if (name.equals("archives")) {
            makeArchives(f.context);
        } else if (name.equals("copy")) {
            // a symlink in the context is copied as a symlink (git keeps none in resources, so made here)
            Files.createSymbolicLink(f.context.resolve("dir/link"), Path.of("x.txt"));
        }
        BuildRequest req = tweak.apply(withLayout(
                f,
                BuildRequest.builder(f.context)
                        .tags(List.of("corpus/" + name + ":latest"))
                        .build()));
        return export(f, f.build(req));
    }

    private static BuildRequest withLayout(BuildFixture f, BuildRequest r) throws IOException {
        Files.createDirectories(f.dir.resolve("layout"));
        return r.toBuilder()
                .outputs(List.of(OutputSpec.parse("type=oci,dest=" + f.dir.resolve("layout"))))
                .build();
    }

    /** Unpacks the OCI layout {@code r} was exported to with umoci. */
    private static Built export(BuildFixture f, BuildResult r) throws Exception {
        Path layout = f.dir.resolve("layout");
        Path bundle = f.dir.resolve("bundle");
        OutputsTest.run("umoci", "unpack", "--image", layout + ":latest", bundle.toString());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(
                blob(layout, index.path("manifests").get(0).path("digest").asText()));
        JsonNode config = JSON.readTree(
                blob(layout, manifest.path("config").path("digest").asText()));
        recordDigest(f, index.path("manifests").get(0).path("digest").asText());
        return new Built(bundle.resolve("rootfs"), config, r);
    }

    /**
     * With {@code -Dstrata.corpus.digests=FILE}, appends each case's manifest digest to FILE, so that
     * a refactor can be shown to change no image (run before and after, compare the files).
     */
    private static void recordDigest(BuildFixture f, String digest) throws IOException {
        String out = System.getProperty("strata.corpus.digests");
        if (out != null) {
            Files.writeString(
                    Path.of(out),
                    f.context.getParent().getFileName().toString().replaceAll("[0-9]+$", "") + " " + digest + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static byte[] blob(Path layout, String digest) throws IOException {
        return Files.readAllBytes(layout.resolve("blobs").resolve(digest.replace(':', '/')));
    }

    /** The entries that differ from the base image; a removed base entry maps to "gone". */
    private static Map<String, String> delta(Built b) throws IOException {
        Map<String, String> now = BuildahOracleTest.tree(b.root());
        Map<String, String> out = new TreeMap<>();
        now.forEach((k, v) -> {
            if (!v.equals(baseTree.get(k))) {
                out.put(k, v);
            }
        });
        baseTree.keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> out.put(k, "gone"));
        return out;
    }

    /** What copying the context's dir/ to {@code at} yields, with these modes. */
    private static void dirCopy(Map<String, String> want, String at, int dirMode, int fileMode) {
        want.put(at, dir(dirMode));
        want.put(at + "/x.txt", file(fileMode, "x\n"));
        want.put(at + "/nested", dir(dirMode));
        want.put(at + "/nested/y.txt", file(fileMode, "y\n"));
        want.put(at + "/nested/z.log", file(fileMode, "log\n"));
        want.put(at + "/link", "link x.txt 0:0");
    }
}
