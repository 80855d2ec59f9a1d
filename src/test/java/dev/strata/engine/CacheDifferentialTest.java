package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random edits (a context file, a build arg, an ENV value, a Dockerfile line) built one after
 * another on empty stores against one registry cache ref. A model says which steps' inputs equal
 * those of an earlier build: exactly those must hit (0 misses the retention should have prevented),
 * and every image must equal the same variant built with --no-cache (0 false hits).
 */
class CacheDifferentialTest extends RegistryScenario {
    /** One build's choices: ENV value, f.txt, build arg V, the extra RUN line, g.txt. */
    private record Variant(String env, int f, int v, boolean extra, int g) {
        static Variant random(Random r) {
            return new Variant(
                    r.nextBoolean() ? "fast" : "safe", r.nextInt(3), r.nextInt(3), r.nextBoolean(), r.nextInt(2));
        }

        /** Each filesystem step's identity: what its inputs depend on, in Dockerfile order. */
        List<String> steps() {
            List<String> out = new ArrayList<>();
            out.add("WORKDIR " + env);
            out.add("COPY f " + env + f);
            out.add("RUN " + env + f + v);
            if (extra) {
                out.add("RUN extra " + env + f + v);
            }
            out.add("COPY g " + env + f + v + extra + g);
            return out;
        }

        String dockerfile(String host) {
            return "FROM " + host + "/base:1\nARG V=0\nENV MODE=" + env + "\nWORKDIR /app\nCOPY f.txt /app/f.txt\n"
                    + "RUN echo \"$V $MODE\" > /app/out && cat /app/f.txt >> /app/out\n"
                    + (extra ? "RUN echo extra >> /app/out\n" : "")
                    + "COPY g.txt /app/g.txt\n";
        }
    }

    private final Map<Variant, String> reference = new HashMap<>();
    private int n;

    private Path context(Variant v) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("diff-" + n++));
        Files.writeString(ctx.resolve("Dockerfile"), v.dockerfile(host));
        Files.writeString(ctx.resolve("f.txt"), "f" + v.f() + "\n");
        Files.writeString(ctx.resolve("g.txt"), "g" + v.g() + "\n");
        return ctx;
    }

    private void run(long seed, int builds) throws Exception {
        String cache = host + "/diff" + seed + ":buildcache";
        Random random = new Random(seed);
        Set<String> seen = new HashSet<>();
        int falseHits = 0;
        int wrongMisses = 0;
        List<String> log = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            Variant v = Variant.random(random);
            Job j = job(
                    "diff" + seed + "-" + i,
                    context(v),
                    "--build-arg",
                    "V=" + v.v(),
                    "--build-arg",
                    "SOURCE_DATE_EPOCH=1700000000",
                    "--cache-from",
                    cache,
                    "--cache-to",
                    "type=registry,ref=" + cache + ",mode=max");
            List<String> ids = v.steps();
            List<JsonNode> steps = j.steps();
            assertThat(steps).hasSize(ids.size());
            for (int s = 0; s < ids.size(); s++) {
                boolean expected = seen.contains(ids.get(s));
                boolean hit = steps.get(s).path("hit").asBoolean();
                if (expected && !hit) {
                    wrongMisses++;
                    log.add("build " + i + " " + v + ": " + ids.get(s) + " missed: "
                            + steps.get(s).path("reason"));
                }
                if (!expected && hit) {
                    log.add("build " + i + " " + v + ": " + ids.get(s) + " hit with new inputs");
                    falseHits++;
                }
            }
            seen.addAll(ids);
            String ref = reference.computeIfAbsent(v, this::referenceDigest);
            if (!ref.equals(j.manifest())) {
                falseHits++;
                log.add("build " + i + " " + v + ": image " + j.manifest() + " differs from --no-cache " + ref);
            }
        }
        assertThat(falseHits).as(String.join("\n", log)).isZero();
        assertThat(wrongMisses).as(String.join("\n", log)).isZero();
    }

    private String referenceDigest(Variant v) {
        try {
            return job(
                            "ref-" + n,
                            context(v),
                            "--no-cache",
                            "--build-arg",
                            "V=" + v.v(),
                            "--build-arg",
                            "SOURCE_DATE_EPOCH=1700000000")
                    .manifest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void randomEditsHitExactlyTheStepsSeenBeforeAndNeverFalsely() throws Exception {
        run(7, 8);
    }

    @Test
    @Tag("slow")
    void aLongRunOfRandomEdits() throws Exception {
        run(11, 40);
    }
}
