package dev.strata.engine;

import static dev.strata.engine.StrataProcess.skopeo;
import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.cache.CacheManifest;
import dev.strata.engine.StrataProcess.Run;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.registry.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCENARIO.md's commands as the team runs them with docker — {@code --cache-from $IMAGE:latest
 * --build-arg BUILDKIT_INLINE_CACHE=1 -t $IMAGE:latest} and a push — on an empty store each job,
 * against Debian's docker-registry (no referrers API: the tag-schema fallback is what is used). The
 * cache travels as a referrer of the image, so the image is the same bytes it would be without it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InlineCacheTest {
    private static final String DOCKERFILE = """
            FROM %s/base:1
            WORKDIR /usr/src/app
            RUN mkdir -p /opt/tool && echo 24.0 > /opt/tool/VERSION
            COPY ./requirements.txt /usr/src/app/requirements.txt
            RUN cat requirements.txt > /opt/tool/installed.txt
            RUN echo 123
            COPY ./run_test.py /usr/src/app/run_test.py
            CMD ["python", "run_test.py"]
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private RegistryFixture registry;
    private String host;

    @BeforeAll
    void pushBase(@TempDir Path setup) throws Exception {
        registry = RegistryFixture.plain();
        host = registry.host();
        StrataProcess.pushBase(host, setup);
    }

    @AfterAll
    void stopRegistry() {
        registry.close();
    }

    private Path context(String name, String test) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.formatted(host));
        Files.writeString(ctx.resolve("requirements.txt"), "requests==2.31.0\n");
        Files.writeString(ctx.resolve("run_test.py"), test);
        return ctx;
    }

    private record Job(Run run, JsonNode report) {
        long hits() {
            return report.path("hits").asLong();
        }

        String manifest() {
            int at = run.out().indexOf("(manifest ");
            return run.out().substring(at + 10, run.out().indexOf(')', at));
        }
    }

    /** One CI job on an empty store. */
    private Job job(String name, Path ctx, String... flags) throws Exception {
        Path report = tmp.resolve("report-" + name + ".json");
        List<String> args = new ArrayList<>(List.of("build", "--progress=plain", "--cache-report", report.toString()));
        args.addAll(List.of(flags));
        args.add(ctx.toString());
        Run r = strata(tmp.resolve("home-" + name), args.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isZero();
        return new Job(r, JSON.readTree(report.toFile()));
    }

    @Test
    void theTeamsDockerCommandsHitEveryUnchangedStepOnEveryJob() throws Exception {
        String image = host + "/team/app:latest";
        String[] flags = {"--cache-from", image, "--build-arg", "BUILDKIT_INLINE_CACHE=1", "-t", image, "--push"};

        Job one = job("1", context("c1", "print(1)\n"), flags);
        assertThat(one.run().out())
                .contains("warning: cache " + image + " not found")
                .contains("exported cache with " + image);
        assertThat(one.hits()).isZero();
        // the cache is listed in the tag-schema referrers index of the image, with its artifact type
        Digest subject = Digest.parse(one.manifest());
        JsonNode index = JSON.readTree(skopeo(
                "inspect", "--tls-verify=false", "--raw", "docker://" + host + "/team/app:sha256-" + subject.hex()));
        assertThat(index.path("manifests")).hasSize(1);
        assertThat(index.path("manifests").get(0).path("artifactType").asText())
                .isEqualTo(CacheManifest.CONFIG_MEDIA_TYPE);
        // and the image is what a build without any cache export makes, byte for byte
        Job plain = job("plain", context("c1b", "print(1)\n"), "-t", host + "/team/plain:1", "--push");
        assertThat(plain.manifest()).isEqualTo(one.manifest());

        for (int i = 2; i <= 3; i++) {
            Job changed = job(String.valueOf(i), context("c" + i, "print(" + i + ")\n"), flags);
            assertThat(changed.hits())
                    .as("job " + i + ": " + changed.run().out())
                    .isEqualTo(5);
            JsonNode last = changed.report().path("steps").get(5);
            assertThat(last.path("reason").asText()).isEqualTo("file /usr/src/app/run_test.py changed");
            assertThat(changed.report().path("steps").get(0).path("source").asText())
                    .isEqualTo("registry:" + image);
        }

        Job four = job("4", context("c4", "print(3)\n"), flags);
        assertThat(four.hits()).as(four.run().out()).isEqualTo(6);
        assertThat(four.run().out()).contains("unchanged");
        // every job's image keeps exactly one cache among its referrers; older images keep theirs
        JsonNode latest = JSON.readTree(skopeo(
                "inspect",
                "--tls-verify=false",
                "--raw",
                "docker://" + host + "/team/app:sha256-"
                        + Digest.parse(four.manifest()).hex()));
        assertThat(latest.path("manifests")).hasSize(1);
        Manifest pushed = Manifest.parse(
                skopeo("inspect", "--tls-verify=false", "--raw", "docker://" + image)
                        .getBytes(StandardCharsets.UTF_8),
                MediaType.OCI_MANIFEST);
        assertThat(pushed.digest().toString()).isEqualTo(four.manifest());
    }

    @Test
    void anInlineCacheNeedsAPushAndIsReadThroughItsImage() throws Exception {
        Path ctx = context("bad", "print(0)\n");
        Run noPush = strata(
                tmp.resolve("home-bad"), "build", "--cache-to", "type=inline", "-t", host + "/x:1", ctx.toString());
        assertThat(noPush.code()).isEqualTo(2);
        assertThat(noPush.out()).contains("--cache-to type=inline").contains("add --push");
        Run from = strata(tmp.resolve("home-bad"), "build", "--cache-from", "type=inline", ctx.toString());
        assertThat(from.code()).isEqualTo(2);
        assertThat(from.out()).contains("read through its image");
        // an image pushed without a cache: --cache-from it is a warning, not a failure
        Job plain = job("noncache", ctx, "-t", host + "/x:plain", "--push");
        Job from2 = job("noncache2", ctx, "--cache-from", host + "/x:plain");
        assertThat(from2.run().out()).contains("warning: cache " + host + "/x:plain");
        assertThat(plain.hits()).isZero();
    }
}
