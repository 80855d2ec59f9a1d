package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.strata.dockerfile.BuildOptions;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds that need no runtime: FROM scratch, COPY, config instructions; cache hits and misses. */
class ScratchBuildTest {
    @TempDir
    Path dir;

    static final String DOCKERFILE = """
            FROM scratch
            ENV APP=/app
            WORKDIR $APP
            COPY a.txt sub/ ./
            COPY <<EOF /etc/motd
            hello $APP
            EOF
            LABEL org.example.v=1
            EXPOSE 8080
            CMD ["/app/run"]
            """;

    @Test
    void copiesFilesAndSetsTheConfigLikeDocker() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        BuildResult r = f.build("demo:1");
        ImageConfig cfg = r.image().config();
        assertThat(cfg.config().env()).containsExactly("PATH=" + StageRunner.DEFAULT_PATH, "APP=/app");
        assertThat(cfg.config().workingDir()).isEqualTo("/app");
        assertThat(cfg.config().cmd()).contains(List.of("/app/run"));
        assertThat(cfg.config().exposedPorts()).containsExactly("8080/tcp");
        assertThat(cfg.config().labels()).containsEntry("org.example.v", "1");
        // WORKDIR made /app in its own layer, then two COPY layers
        assertThat(r.image().layers()).hasSize(3);
        assertThat(r.image().manifest().mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
        assertThat(cfg.history())
                .extracting(h -> h.createdBy())
                .containsExactly(
                        "ENV APP=/app",
                        "WORKDIR /app",
                        "COPY a.txt sub/ ./ # buildkit",
                        "COPY <<EOF /etc/motd # buildkit",
                        "LABEL org.example.v=1",
                        "EXPOSE [8080/tcp]",
                        "CMD [\"/app/run\"]");
        assertThat(cfg.history())
                .extracting(h -> h.emptyLayer())
                .containsExactly(true, false, false, false, true, true, true);
        Path root = f.unpack(r.image(), "x");
        assertThat(BuildFixture.read(root.resolve("app/a.txt"))).isEqualTo("A\n");
        assertThat(BuildFixture.read(root.resolve("app/b.txt"))).isEqualTo("B\n");
        assertThat(BuildFixture.read(root.resolve("etc/motd"))).isEqualTo("hello /app\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("app"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(f.store.resolve("demo:1"))
                .map(d -> d.digest())
                .contains(r.manifest().digest());
    }

    @Test
    void secondBuildIsAllCachedAndEqual() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        BuildResult first = f.build();
        assertThat(first.cachedSteps()).isZero();
        BuildResult second = f.build();
        assertThat(second.steps()).hasSize(3).allMatch(StepReport::cached);
        assertThat(f.events).filteredOn(e -> e.startsWith("cached ")).hasSize(3);
        assertThat(second.manifest().digest()).isEqualTo(first.manifest().digest());
    }

    @Test
    void aFreshStoreGivesTheSameDigestAsAWarmOne() throws Exception {
        BuildFixture warm =
                new BuildFixture(dir.resolve("w")).files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        warm.build();
        BuildResult hit = warm.build();
        BuildFixture fresh =
                new BuildFixture(dir.resolve("f")).files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        BuildResult miss = fresh.build();
        assertThat(hit.cachedSteps()).isEqualTo(3);
        assertThat(miss.cachedSteps()).isZero();
        assertThat(miss.manifest().digest()).isEqualTo(hit.manifest().digest());
    }

    @Test
    void aChangedFileMissesFromItsCopyOnWithTheReason() throws Exception {
        String df = "FROM scratch\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\nCOPY c.txt /c.txt\n";
        BuildFixture f = new BuildFixture(dir).files(df, Map.of("a.txt", "A", "b.txt", "B", "c.txt", "C"));
        f.build();
        Files.writeString(f.context.resolve("b.txt"), "B2");
        BuildResult r = f.build();
        assertThat(r.steps()).extracting(StepReport::cached).containsExactly(true, false, false);
        assertThat(r.steps().get(1).missReason())
                .hasValueSatisfying(m -> assertThat(m).isEqualTo("file /b.txt changed"));
        // the next step missed because its parent changed, not because of its own inputs
        assertThat(r.steps().get(2).missReason())
                .hasValueSatisfying(m -> assertThat(m)
                        .isEqualTo("parent layers changed (step "
                                + r.steps().get(1).id() + " missed)"));
        assertThat(f.events).filteredOn(e -> e.startsWith("done ")).hasSize(2);
    }

    @Test
    void aLabelIsNotAnInputOfLaterStepsButEnvIsAndTheMissNamesIt() throws Exception {
        BuildFixture f =
                new BuildFixture(dir).files("FROM scratch\nLABEL v=1\nENV E=1\nCOPY a.txt /\n", Map.of("a.txt", "A"));
        BuildResult first = f.build();
        Files.writeString(f.context.resolve("Dockerfile"), "FROM scratch\nLABEL v=2\nENV E=1\nCOPY a.txt /\n");
        BuildResult label = f.build();
        // a step cannot observe labels: the COPY hits, only the config (and so the digest) differs
        assertThat(label.cachedSteps()).isEqualTo(1);
        assertThat(label.manifest().digest()).isNotEqualTo(first.manifest().digest());
        assertThat(label.image().config().diffIds())
                .isEqualTo(first.image().config().diffIds());
        Files.writeString(f.context.resolve("Dockerfile"), "FROM scratch\nLABEL v=2\nENV E=2\nCOPY a.txt /\n");
        BuildResult env = f.build();
        assertThat(env.cachedSteps()).isZero();
        // the COPY's own inputs are unchanged: the miss names what it saw change in its parent
        assertThat(env.steps().get(0).missReason()).contains("env E changed");
        Files.writeString(f.context.resolve("Dockerfile"), "FROM scratch\nENV E=2\nUSER 1000\nCOPY a.txt /\n");
        assertThat(f.build().steps().get(0).missReason()).contains("user changed");
        Files.writeString(f.context.resolve("Dockerfile"), "FROM scratch\nCOPY b.txt /\nENV E=2\nCOPY a.txt /\n");
        Files.writeString(f.context.resolve("b.txt"), "B");
        BuildResult base = f.build();
        assertThat(base.steps().get(0).missReason()).contains("no earlier build of this step on this parent in local");
        assertThat(base.steps().get(1).missReason())
                .hasValueSatisfying(m -> assertThat(m).startsWith("parent layers changed"));
    }

    @Test
    void aMissInABaseStageExplainsTheMissesOfTheStageBuiltFromIt() throws Exception {
        String df = "FROM scratch AS base\nCOPY a.txt /a\nFROM base\nCOPY b.txt /b\n";
        BuildFixture f = new BuildFixture(dir).files(df, Map.of("a.txt", "A", "b.txt", "B"));
        f.build();
        Files.writeString(f.context.resolve("a.txt"), "A2");
        BuildResult r = f.build();
        assertThat(r.steps()).extracting(StepReport::cached).containsExactly(false, false);
        assertThat(r.steps().get(1).missReason())
                .contains("parent layers changed (step " + r.steps().get(0).id() + " missed)");
    }

    @Test
    void touchingAFileKeepsTheCache() throws Exception {
        BuildFixture f = new BuildFixture(dir).files("FROM scratch\nCOPY a.txt /\n", Map.of("a.txt", "A"));
        f.build();
        Files.setLastModifiedTime(f.context.resolve("a.txt"), FileTime.fromMillis(12345));
        assertThat(f.build().cachedSteps()).isEqualTo(1);
    }

    @Test
    void noCacheRunsEveryStepAndStillGivesTheSameImage() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DOCKERFILE, Map.of("a.txt", "A\n", "sub/b.txt", "B\n"));
        BuildResult first = f.build();
        BuildResult again =
                f.build(BuildRequest.builder(f.context).noCache(true).build());
        assertThat(again.cachedSteps()).isZero();
        assertThat(again.manifest().digest()).isEqualTo(first.manifest().digest());
    }

    @Test
    void aMissingSourceIsAnInputErrorWithTheLine() throws Exception {
        BuildFixture f = new BuildFixture(dir).files("FROM scratch\n\nCOPY nope.txt /\n", Map.of());
        assertThatThrownBy(f::build).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT);
            assertThat(e.getMessage()).contains("Dockerfile:3").contains("nope.txt");
        });
    }

    @Test
    void anImageNotInTheStoreIsARegistryErrorSayingWhatToDo() throws Exception {
        BuildFixture f = new BuildFixture(dir).files("FROM 127.0.0.1:9/nothing:1\n", Map.of());
        assertThatThrownBy(f::build).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.REGISTRY);
            assertThat(e.getMessage()).contains("127.0.0.1:9/nothing:1").contains("strata pull");
        });
    }

    @Test
    void multiStageCopyFromAStageBuiltOnce() throws Exception {
        String df = """
                FROM scratch AS files
                COPY a.txt /out/a.txt
                FROM scratch AS other
                COPY --from=files /out/a.txt /x.txt
                FROM scratch
                COPY --from=files /out/ /files/
                COPY --from=other /x.txt /y.txt
                """;
        BuildFixture f = new BuildFixture(dir).files(df, Map.of("a.txt", "A"));
        BuildResult r = f.build();
        // files: 1 step, other: 1, final: 2; "files" is used twice but built once
        assertThat(r.steps()).hasSize(4);
        Path root = f.unpack(r.image(), "m");
        assertThat(BuildFixture.read(root.resolve("files/a.txt"))).isEqualTo("A");
        assertThat(BuildFixture.read(root.resolve("y.txt"))).isEqualTo("A");
        assertThat(f.build().cachedSteps()).isEqualTo(4);
    }

    @Test
    void outputsIidfileAndMetadata() throws Exception {
        BuildFixture f = new BuildFixture(dir).files("FROM scratch\nCOPY a.txt /\n", Map.of("a.txt", "A"));
        BuildResult r =
                f.build(BuildRequest.builder(f.context).tags(List.of("out:1")).build());
        Path iid = dir.resolve("iid");
        Path meta = dir.resolve("meta.json");
        Engine.writeIidFile(r, iid);
        Engine.writeMetadataFile(r, List.of("out:1"), Map.of(), meta);
        assertThat(Files.readString(iid)).isEqualTo(r.configDigest().toString());
        String json = Files.readString(meta);
        assertThat(json)
                .contains(r.manifest().digest().toString())
                .contains("\"cached\" : false")
                .contains("COPY a.txt /");
    }

    @Test
    void aChangedBuildArgIsNamedAsTheReason() throws Exception {
        String df = "FROM scratch\nARG V=1\nCOPY a.txt /a-$V.txt\nCOPY a.txt /b.txt\n";
        BuildFixture f = new BuildFixture(dir).files(df, Map.of("a.txt", "A"));
        f.build();
        BuildRequest req = BuildRequest.builder(f.context)
                .options(BuildOptions.of(Map.of("V", "2"), Optional.empty()))
                .build();
        BuildResult r = f.build(req);
        // V only shows through the expanded destination
        assertThat(r.steps().get(0).missReason().orElseThrow()).startsWith("instruction text changed");
    }

    @Test
    void onbuildTriggersOfAStoredBaseImageRunInTheChild() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .files("FROM scratch\nONBUILD COPY a.txt /from-trigger\nLABEL base=1\n", Map.of("a.txt", "A"));
        f.build("onbuild/base:1");
        Files.writeString(f.context.resolve("Dockerfile"), "FROM onbuild/base:1\nCOPY a.txt /mine\n");
        BuildResult child = f.build();
        Path root = f.unpack(child.image(), "child");
        assertThat(BuildFixture.read(root.resolve("from-trigger"))).isEqualTo("A");
        assertThat(BuildFixture.read(root.resolve("mine"))).isEqualTo("A");
        assertThat(child.image().config().config().onBuild()).isEmpty();
        assertThat(child.image().config().config().labels()).containsEntry("base", "1");
    }

    @Test
    void targetBuildsOnlyTheStagesItNeeds() throws Exception {
        String df =
                "FROM scratch AS a\nCOPY a.txt /a\nFROM scratch AS b\nCOPY nope.txt /b\nFROM a AS c\nCOPY a.txt /c\n";
        BuildFixture f = new BuildFixture(dir).files(df, Map.of("a.txt", "A"));
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .options(BuildOptions.of(Map.of(), Optional.of("c")))
                .build());
        assertThat(r.steps()).extracting(StepReport::stage).containsExactly("a", "c");
        assertThat(r.image().layers()).hasSize(2);
    }

    @Test
    void workdirIsCreatedAsTheUserAndBaseIndexesResolveToThePlatform() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .withBusybox()
                .files("FROM test/busybox:latest\nUSER app\nWORKDIR /home/app/work\n", Map.of());
        BuildResult r = f.build();
        Path root = f.unpack(r.image(), "w");
        assertThat(Files.getAttribute(root.resolve("home/app/work"), "unix:uid"))
                .isEqualTo(1000);
        assertThat(Files.getAttribute(root.resolve("home/app"), "unix:uid")).isEqualTo(1000);
        // an index in the store: the build's platform picks the manifest
        var base = f.store.resolve("test/busybox:latest").orElseThrow();
        var other = f.store.putBlob(MediaType.OCI_MANIFEST, "{}".getBytes());
        var index = Index.of(
                MediaType.OCI_INDEX,
                List.of(
                        new Descriptor(base.mediaType(), other.digest(), other.size())
                                .withPlatform(Platform.parse("linux/s390x")),
                        new Descriptor(base.mediaType(), base.digest(), base.size()).withPlatform(Platform.host())),
                Map.of());
        f.store.tag("multi:1", "docker.io/library/multi:1", f.store.putBlob(MediaType.OCI_INDEX, index.bytes()));
        Files.writeString(f.context.resolve("Dockerfile"), "FROM multi:1\n");
        BuildResult m = f.build();
        assertThat(m.image().config().diffIds())
                .isEqualTo(f.store.image(base).config().diffIds());
    }

    @Test
    void addExtractsLocalArchivesAndFetchesUrlsWithChecksum() throws Exception {
        BuildFixture f = new BuildFixture(dir).files("FROM scratch\n", Map.of("src/inner/x.txt", "X"));
        Process tar = new ProcessBuilder(
                        "tar",
                        "-czf",
                        f.context.resolve("pkg.tar.gz").toString(),
                        "-C",
                        f.context.resolve("src").toString(),
                        "inner")
                .start();
        assertThat(tar.waitFor()).isZero();
        byte[] body = "downloaded\n".getBytes(StandardCharsets.UTF_8);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/file.txt", x -> {
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/file.txt";
            String sum = Digest.sha256(body).toString();
            Files.writeString(
                    f.context.resolve("Dockerfile"),
                    "FROM scratch\nADD pkg.tar.gz /opt/\n" + "ADD --checksum=" + sum + " " + url + " /dl/\n");
            BuildResult r = f.build();
            Path root = f.unpack(r.image(), "add");
            assertThat(BuildFixture.read(root.resolve("opt/inner/x.txt"))).isEqualTo("X");
            assertThat(BuildFixture.read(root.resolve("dl/file.txt"))).isEqualTo("downloaded\n");
            // the URL step is keyed by its checksum: the second build does not need the server
            http.stop(0);
            assertThat(f.build().cachedSteps()).isEqualTo(2);
        } finally {
            http.stop(0);
        }
    }
}
