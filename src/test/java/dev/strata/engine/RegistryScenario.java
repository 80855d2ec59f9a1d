package dev.strata.engine;

import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.cache.CacheManifest;
import dev.strata.engine.StrataProcess.Run;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import dev.strata.registry.RegistryClient;
import dev.strata.registry.RegistryFixture;
import dev.strata.registry.RegistryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the registry cache tests share: Debian's docker-registry on 127.0.0.1 with the busybox base
 * pushed as {@code HOST/base:1}, SCENARIO.md's Dockerfile as a context, and a cache read back as a
 * build would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryScenario {
    static final String SCENARIO = """
            FROM %s/base:1
            WORKDIR /usr/src/app
            RUN echo "upgrading the package tool" && mkdir -p /opt/tool && echo 24.0 > /opt/tool/VERSION
            COPY ./requirements.txt /usr/src/app/requirements.txt
            RUN cat requirements.txt > /opt/tool/installed.txt
            RUN echo 123
            COPY ./run_test.py /usr/src/app/run_test.py
            CMD ["python", "run_test.py"]
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    RegistryFixture registry;
    String host;
    final RegistryClient client = RegistryClient.create(RegistryOptions.defaults());

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

    /** A scenario context; {@code test} is run_test.py's content. */
    Path scenario(String name, String test) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), SCENARIO.formatted(host));
        Files.writeString(ctx.resolve("requirements.txt"), "requests==2.31.0\n");
        Files.writeString(ctx.resolve("run_test.py"), test);
        return ctx;
    }

    /** The cache a registry holds under {@code ref}, read as a build would. */
    CacheManifest cacheAt(String ref) {
        byte[] m = client.manifest(Reference.parse(ref)).bytes();
        Descriptor cfg = CacheManifest.configOf(m, ref);
        try (var in = client.openBlob(Reference.parse(ref), cfg)) {
            return CacheManifest.parse(m, in.readAllBytes(), ref);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One CI job: STRATA_HOME home-NAME (empty unless NAME is reused), a build with the given flags, its cache report. */
    Job job(String name, Path ctx, String... flags) throws Exception {
        Path home = tmp.resolve("home-" + name);
        Path report = tmp.resolve("report-" + name + ".json");
        List<String> args = new ArrayList<>(List.of("build", "--progress=plain", "--cache-report", report.toString()));
        args.addAll(List.of(flags));
        args.add(ctx.toString());
        Run r = strata(home, args.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isZero();
        return new Job(r, JSON.readTree(report.toFile()), home);
    }

    record Job(Run run, JsonNode report, Path home) {
        long hits() {
            return report.path("hits").asLong();
        }

        List<JsonNode> steps() {
            List<JsonNode> out = new ArrayList<>();
            report.path("steps").forEach(out::add);
            return out;
        }

        String manifest() {
            int at = run.out().indexOf("(manifest ");
            return run.out().substring(at + 10, run.out().indexOf(')', at));
        }
    }
}
