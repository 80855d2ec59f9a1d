package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strata.dockerfile.BuildOptions;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Builds on a busybox base with RUN steps in the real runtime (crun or runc) on overlayfs. */
class RunBuildTest extends MountCheckedTest {
    @AfterEach
    void noRunLeftovers() throws Exception {
        BuildFixture.assertNoRunLeftovers(dir.resolve("store/tmp"));
    }

    @Test
    void runWritesALayerAndRemovedFilesBecomeWhiteouts() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN mkdir -p /data/keep && echo one > /data/keep/a && echo two > /data/gone && echo out
                RUN rm /data/gone /etc/group && echo three > /data/keep/b
                RUN true
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult r = f.build("run:1");
        // the base, two RUN layers; RUN true changed nothing and adds no layer (like BuildKit)
        assertThat(r.image().layers()).hasSize(3);
        ImageConfig cfg = r.image().config();
        assertThat(cfg.history().get(cfg.history().size() - 1).emptyLayer()).isTrue();
        assertThat(cfg.history().get(1).createdBy())
                .startsWith("RUN /bin/sh -c mkdir -p /data/keep")
                .endsWith("# buildkit");
        assertThat(f.events).filteredOn(e -> e.matches("log [0-9]+ out")).hasSize(1);
        Path root = f.unpack(r.image(), "r");
        assertThat(BuildFixture.read(root.resolve("data/keep/a"))).isEqualTo("one\n");
        assertThat(BuildFixture.read(root.resolve("data/keep/b"))).isEqualTo("three\n");
        assertThat(root.resolve("data/gone")).doesNotExist();
        assertThat(root.resolve("etc/group")).doesNotExist();
        assertThat(root.resolve("etc/passwd")).exists();
        // runtime mount stubs never reach a layer
        assertThat(root.resolve("etc/hosts")).doesNotExist();
        assertThat(root.resolve("proc")).doesNotExist();
    }

    @Test
    void aFailingRunIsExitOneWithTheLineAndTheCode() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .withBusybox()
                .files("FROM test/busybox:latest\nRUN echo hi\nRUN echo oops >&2; exit 7\n", Map.of());
        assertThat(failure(f, ExitCode.STEP_FAILED))
                .contains("Dockerfile:3")
                .contains("exit 7")
                .contains("code 7")
                .doesNotContain("\n");
        // the command's stdout and stderr reached the listener
        assertThat(f.events).anyMatch(e -> e.matches("log [0-9]+ hi")).anyMatch(e -> e.matches("log [0-9]+ oops"));
    }

    @Test
    void envArgsWorkdirAndUserReachTheCommand() throws Exception {
        String df = """
                FROM test/busybox:latest
                ARG GREETING=hello
                ENV WHO=world
                WORKDIR /srv/app
                RUN echo "$GREETING $WHO from $(pwd)" > /srv/app/out && chown app /srv/app
                USER app
                RUN id -u > /tmp/uid && echo $HOME > /tmp/home
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult r = f.build();
        Path root = f.unpack(r.image(), "e");
        assertThat(BuildFixture.read(root.resolve("srv/app/out"))).isEqualTo("hello world from /srv/app\n");
        assertThat(BuildFixture.read(root.resolve("tmp/uid"))).isEqualTo("1000\n");
        assertThat(BuildFixture.read(root.resolve("tmp/home"))).isEqualTo("/home/app\n");
        ImageConfig cfg = r.image().config();
        assertThat(cfg.config().user()).isEqualTo("app");
        assertThat(cfg.history())
                .extracting(h -> h.createdBy())
                .anySatisfy(c -> assertThat(c).startsWith("RUN |1 GREETING=hello /bin/sh -c echo"));
    }

    @Test
    void copyChownResolvesNamesThroughTheImagesPasswd() throws Exception {
        String df = """
                FROM test/busybox:latest
                COPY --chown=app:staff a.txt /home/app/a.txt
                COPY --chown=1234 a.txt /b.txt
                RUN stat -c '%u:%g' /home/app/a.txt /b.txt > /owners
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("a.txt", "A"));
        Path root = f.unpack(f.build().image(), "c");
        assertThat(BuildFixture.read(root.resolve("owners"))).isEqualTo("1000:50\n1234:1234\n");
        assertThat(Files.getAttribute(root.resolve("home/app/a.txt"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(1000);
    }

    @Test
    void heredocsForRunAndCopy() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN <<EOF
                echo first > /h1
                echo second >> /h1
                EOF
                RUN cat > /h2 <<EOT
                inline $HOSTNAME_X
                EOT
                COPY <<-EOF /h3
                	copied
                	EOF
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        Path root = f.unpack(f.build().image(), "h");
        assertThat(BuildFixture.read(root.resolve("h1"))).isEqualTo("first\nsecond\n");
        assertThat(BuildFixture.read(root.resolve("h2"))).isEqualTo("inline \n");
        assertThat(BuildFixture.read(root.resolve("h3"))).isEqualTo("copied\n");
    }

    @Test
    void onbuildTriggersRunInTheChild() throws Exception {
        String df = """
                FROM test/busybox:latest AS parent
                ONBUILD RUN echo triggered > /onbuild
                ONBUILD COPY a.txt /from-trigger
                FROM parent
                RUN cat /onbuild
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("a.txt", "A"));
        BuildResult r = f.build();
        Path root = f.unpack(r.image(), "o");
        assertThat(BuildFixture.read(root.resolve("onbuild"))).isEqualTo("triggered\n");
        assertThat(BuildFixture.read(root.resolve("from-trigger"))).isEqualTo("A");
        assertThat(r.image().config().config().onBuild()).isEmpty();
    }

    @Test
    void multiStageWithRunAndCopyFrom() throws Exception {
        String df = """
                FROM test/busybox:latest AS build
                RUN mkdir /out && echo built > /out/app && rm /etc/passwd
                FROM test/busybox:latest
                COPY --from=build /out/app /usr/local/bin/app
                RUN cat /usr/local/bin/app > /check
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult r = f.build();
        Path root = f.unpack(r.image(), "m");
        assertThat(BuildFixture.read(root.resolve("check"))).isEqualTo("built\n");
        assertThat(root.resolve("etc/passwd")).exists();
    }

    @Test
    void cacheHitBuildEqualsCacheMissBuild() throws Exception {
        String df = """
                FROM test/busybox:latest
                WORKDIR /usr/src/app
                RUN echo 123 > /n && mkdir -p /opt/x
                COPY a.txt /usr/src/app/a.txt
                RUN cat a.txt > /opt/x/copy
                CMD ["sh"]
                """;
        BuildFixture warm = new BuildFixture(dir.resolve("warm")).withBusybox().files(df, Map.of("a.txt", "A"));
        BuildResult first = warm.build();
        BuildResult hit = warm.build();
        assertThat(hit.steps()).hasSize(4).allMatch(StepReport::cached);
        BuildFixture fresh =
                new BuildFixture(dir.resolve("fresh")).withBusybox().files(df, Map.of("a.txt", "A"));
        BuildResult miss = fresh.build();
        assertThat(miss.cachedSteps()).isZero();
        assertThat(miss.manifest().digest())
                .isEqualTo(hit.manifest().digest())
                .isEqualTo(first.manifest().digest());
        Files.writeString(warm.context.resolve("a.txt"), "B");
        BuildResult changed = warm.build();
        assertThat(changed.steps()).extracting(StepReport::cached).containsExactly(true, true, false, false);
        // exactly the steps depending on the file miss, each saying why
        assertThat(changed.steps().get(2).missReason()).contains("file /usr/src/app/a.txt changed");
        assertThat(changed.steps().get(3).missReason())
                .contains(
                        "parent layers changed (step " + changed.steps().get(2).id() + " missed)");
        assertThat(List.of(changed.manifest().digest()))
                .doesNotContain(hit.manifest().digest());
    }

    @Test
    void mountsCacheSecretTmpfsAndBind() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN --mount=type=cache,target=/cache echo x >> /cache/log && wc -l < /cache/log > /count
                RUN --mount=type=secret,id=tok cp /run/secrets/tok /tmp/seen && wc -c < /tmp/seen > /secret-size && rm /tmp/seen
                RUN --mount=type=secret,id=tok,env=TOKEN printf %s "$TOKEN" | wc -c > /secret-env
                RUN --mount=type=tmpfs,target=/scratch echo t > /scratch/t && test ! -e /nothing
                RUN --mount=type=bind,source=conf,target=/conf cat /conf/c.txt > /bound
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("conf/c.txt", "C\n"));
        BuildRequest req = BuildRequest.builder(f.context)
                .secrets(Map.of("tok", "s3cr3t-value".getBytes()))
                .build();
        BuildResult r = f.build(req);
        Path root = f.unpack(r.image(), "mounts");
        assertThat(BuildFixture.read(root.resolve("count")).strip()).isEqualTo("1");
        assertThat(BuildFixture.read(root.resolve("secret-size")).strip()).isEqualTo("12");
        assertThat(BuildFixture.read(root.resolve("bound"))).isEqualTo("C\n");
        assertThat(BuildFixture.read(root.resolve("secret-env")).strip()).isEqualTo("12");
        assertThat(root.resolve("cache"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        assertThat(root.resolve("scratch"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        assertThat(root.resolve("run/secrets/tok")).doesNotExist();
        for (var l : r.image().layers()) {
            try (var in = new GZIPInputStream(l.open())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                        .doesNotContain("s3cr3t");
            }
        }
        assertThat(new String(r.image().configBytes())).doesNotContain("s3cr3t");
        // the cache mount persists: a no-cache rebuild sees the first run's line
        BuildResult again = f.build(req.toBuilder().noCache(true).build());
        Path root2 = f.unpack(again.image(), "mounts2");
        assertThat(BuildFixture.read(root2.resolve("count")).strip()).isEqualTo("2");
    }

    @Test
    void aDirectoryRemovedAndMadeAgainIsOpaque() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN mkdir -p /data/sub && echo old > /data/old && echo old > /data/sub/x
                RUN rm -rf /data && mkdir /data && echo new > /data/new
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult r = f.build();
        Path root = f.unpack(r.image(), "opq");
        assertThat(BuildahOracleTest.tree(root).keySet().stream().filter(k -> k.startsWith("data")))
                .containsExactly("data", "data/new");
        // the same layer, unpacked as a snapshot, is a working overlay lowerdir for a later RUN
        Files.writeString(f.context.resolve("Dockerfile"), df + "RUN ls /data > /listing\n");
        Path again = f.unpack(f.build().image(), "opq2");
        assertThat(BuildFixture.read(again.resolve("listing"))).isEqualTo("new\n");
    }

    @Test
    void independentStagesRunInParallel() throws Exception {
        String df = """
                FROM test/busybox:latest AS one
                RUN sleep 1 && echo 1 > /one
                FROM test/busybox:latest AS two
                RUN sleep 1 && echo 2 > /two
                FROM test/busybox:latest
                COPY --from=one /one /one
                COPY --from=two /two /two
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        f.build();
        List<String> runs = f.events.stream()
                .filter(e -> e.matches("(started|done) [0-9]+( RUN.*)?"))
                .toList();
        int firstDone = -1;
        int secondStart = -1;
        int starts = 0;
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).startsWith("started") && runs.get(i).contains("RUN") && ++starts == 2) {
                secondStart = i;
            }
            if (runs.get(i).startsWith("done") && firstDone < 0) {
                firstDone = i;
            }
        }
        assertThat(secondStart).as(runs.toString()).isPositive().isLessThan(firstDone);
    }

    @Test
    void aRerunThatGivesTheSameLayerLetsLaterStepsHit() throws Exception {
        // V is in the RUN's environment, so changing it re-runs the RUN; the layer is the same, so the
        // next step's parent is unchanged and it comes from the cache (early cutoff)
        String df = "FROM test/busybox:latest\nARG V=1\nRUN echo constant > /c\nCOPY a.txt /a\n";
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("a.txt", "A"));
        BuildResult first = f.build();
        BuildResult r = f.build(BuildRequest.builder(f.context)
                .options(BuildOptions.of(Map.of("V", "2"), Optional.empty()))
                .build());
        assertThat(r.steps()).extracting(StepReport::cached).containsExactly(false, true);
        assertThat(r.steps().get(0).missReason().orElseThrow()).contains("build arg V changed");
        assertThat(r.image().config().diffIds())
                .isEqualTo(first.image().config().diffIds())
                .hasSize(3);
    }

    @Test
    void everyIsolationGivesTheSameLayer() throws Exception {
        String df = "FROM test/busybox:latest\nRUN hostname > /h && echo data > /d && rm /etc/group\n";
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        BuildResult crun = f.build(); // the default: crun (its cgroup v1/v2 refusal handled)
        Path root = f.unpack(crun.image(), "crun");
        // an OCI runtime gives the step its own UTS namespace and hostname
        assertThat(BuildFixture.read(root.resolve("h"))).isEqualTo("strata\n");
        assertThat(root.resolve("etc/group")).doesNotExist();
        BuildResult runc = f.build(BuildRequest.builder(f.context)
                .noCache(true)
                .isolation(Optional.of("runc"))
                .build());
        assertThat(runc.manifest().digest()).isEqualTo(crun.manifest().digest());
        BuildResult chroot = f.build(BuildRequest.builder(f.context)
                .noCache(true)
                .isolation(Optional.of("chroot"))
                .build());
        Path c = f.unpack(chroot.image(), "chroot");
        assertThat(BuildFixture.read(c.resolve("d"))).isEqualTo("data\n");
        assertThat(c.resolve("etc/group")).doesNotExist();
        assertThatThrownBy(() -> f.build(BuildRequest.builder(f.context)
                        .noCache(true)
                        .isolation(Optional.of("kata"))
                        .build()))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT));
    }

    @Test
    void networkNoneHasOnlyLoopback() throws Exception {
        String df =
                "FROM test/busybox:latest\nRUN --network=none ls /sys/class/net > /nets || cat /proc/net/dev > /nets\n";
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        Path root = f.unpack(f.build().image(), "net");
        String nets = BuildFixture.read(root.resolve("nets"));
        assertThat(nets).contains("lo").doesNotContain("eth0");
    }

    @Test
    void bindMountFromAStage() throws Exception {
        String df = """
                FROM test/busybox:latest AS tools
                RUN mkdir -p /opt/tool && echo v1 > /opt/tool/version
                FROM test/busybox:latest
                RUN --mount=type=bind,from=tools,source=/opt/tool,target=/t cat /t/version > /seen
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        Path root = f.unpack(f.build().image(), "bind");
        assertThat(BuildFixture.read(root.resolve("seen"))).isEqualTo("v1\n");
        assertThat(root.resolve("t")).doesNotExist();
        Files.writeString(f.context.resolve("Dockerfile"), df.replace("echo v1", "echo v2"));
        BuildResult r = f.build();
        assertThat(r.steps()).extracting(StepReport::cached).containsExactly(false, false);
        assertThat(BuildFixture.read(f.unpack(r.image(), "bind2").resolve("seen")))
                .isEqualTo("v2\n");
    }

    @Test
    void privateCacheMountsGiveAConcurrentStepItsOwnCopy() throws Exception {
        String df = """
                FROM test/busybox:latest AS one
                RUN --mount=type=cache,id=c,sharing=private,target=/c echo one >> /c/log && sleep 1 && wc -l < /c/log > /n
                FROM test/busybox:latest AS two
                RUN --mount=type=cache,id=c,sharing=private,target=/c echo two >> /c/log && sleep 1 && wc -l < /c/log > /n
                FROM test/busybox:latest
                COPY --from=one /n /one
                COPY --from=two /n /two
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        Path root = f.unpack(f.build().image(), "private");
        // each stage saw only its own line: the one that found the cache busy wrote to a copy
        assertThat(BuildFixture.read(root.resolve("one")).strip()).isEqualTo("1");
        assertThat(BuildFixture.read(root.resolve("two")).strip()).isEqualTo("1");
    }

    @Test
    void cacheMountsOwnerModeAndSeedFromAStage() throws Exception {
        String df = """
                FROM test/busybox:latest AS seed
                RUN mkdir -p /deps && echo seeded > /deps/s
                FROM test/busybox:latest
                RUN --mount=type=cache,target=/c,id=own,uid=1000,gid=50,mode=0700 stat -c '%u:%g:%a' /c > /owner
                RUN --mount=type=cache,target=/d,from=seed,source=/deps cat /d/s > /seen && echo more > /d/more
                RUN --mount=type=cache,target=/d,from=seed,source=/deps,sharing=locked ls /d > /listing
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of());
        Path root = f.unpack(f.build().image(), "cache");
        assertThat(BuildFixture.read(root.resolve("owner"))).isEqualTo("1000:50:700\n");
        assertThat(BuildFixture.read(root.resolve("seen"))).isEqualTo("seeded\n");
        // the seeded cache persists like any other: the second step sees the first one's file
        assertThat(BuildFixture.read(root.resolve("listing"))).isEqualTo("more\ns\n");
        assertThat(root.resolve("d"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void chrootIsolationRunsHeredocsAndMountsUnderDev() throws Exception {
        String df = """
                FROM test/busybox:latest
                RUN <<EOF
                echo from-heredoc > /h
                EOF
                RUN --mount=type=tmpfs,target=/dev/scratch,size=1m echo t > /dev/scratch/t && cat /dev/scratch/t > /t
                RUN --mount=type=bind,source=conf,target=/conf,rw echo changed > /conf/c.txt && cat /conf/c.txt > /w
                """;
        BuildFixture f = new BuildFixture(dir).withBusybox().files(df, Map.of("conf/c.txt", "C\n"));
        BuildResult r = f.build(
                BuildRequest.builder(f.context).isolation(Optional.of("chroot")).build());
        Path root = f.unpack(r.image(), "chroot-mounts");
        assertThat(BuildFixture.read(root.resolve("h"))).isEqualTo("from-heredoc\n");
        assertThat(BuildFixture.read(root.resolve("t"))).isEqualTo("t\n");
        assertThat(BuildFixture.read(root.resolve("w"))).isEqualTo("changed\n");
        // a read-write bind's writes are thrown away: the context is unchanged
        assertThat(BuildFixture.read(f.context.resolve("conf/c.txt"))).isEqualTo("C\n");
        assertThat(root.resolve("dev"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void missingRequiredSshAgentsAndSecretsAreInputErrorsWithTheLine() throws Exception {
        BuildFixture f = new BuildFixture(dir)
                .withBusybox()
                .files("FROM test/busybox:latest\nRUN --mount=type=ssh,required=true true\n", Map.of());
        assertThat(failure(f, ExitCode.INPUT))
                .contains("Dockerfile:2")
                .contains("no ssh agent default was forwarded; pass --ssh default");
        f.files("FROM test/busybox:latest\nRUN --mount=type=secret,id=k,required true\n", Map.of());
        assertThat(failure(f, ExitCode.INPUT)).contains("Dockerfile:2").contains("--secret id=k");
    }

    /** The message of the build's failure, which must have {@code code}. */
    private static String failure(BuildFixture f, ExitCode code) {
        StrataException e = catchThrowableOfType(f::build, StrataException.class);
        assertThat(e).as("the build fails").isNotNull();
        assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(code);
        return e.getMessage();
    }
}
