package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cache.CacheReport;
import dev.strata.progress.PlainRenderer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine and dev.strata.cache together: records, reasons in progress, the report, prune. */
class CacheFlowTest {
    @TempDir
    Path dir;

    static final String DF =
            "FROM scratch\nWORKDIR /app\nCOPY a.txt /app/a.txt\nCOPY b.txt /app/b.txt\nCMD [\"/app/a\"]\n";

    @Test
    void hitsWriteTheirRecordsAgain() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DF, Map.of("a.txt", "A", "b.txt", "B"));
        f.build();
        List<String> before = refs(f);
        assertThat(before).filteredOn(r -> r.startsWith("cache/")).hasSize(3);
        // keep only the records (and the layers' skeletons, which come from writing a layer, not from
        // the sink): a build made of hits must bring back what the sink writes for each step
        for (String r : before) {
            if (!r.startsWith("cache/") && !r.startsWith("skeleton/")) {
                Files.delete(f.store.root().resolve("refs").resolve(r));
            }
        }
        BuildResult again = f.build();
        assertThat(again.cachedSteps()).isEqualTo(3);
        assertThat(refs(f)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void plainProgressSaysWhyEachStepMissedAndEndsWithTheReport() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DF, Map.of("a.txt", "A", "b.txt", "B"));
        f.build();
        Files.writeString(f.context.resolve("a.txt"), "A2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BuildResult r = Engine.build(
                BuildRequest.of(f.context),
                f.store,
                new PlainRenderer(new PrintStream(out, true, StandardCharsets.UTF_8)));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("#1 [stage-0 2/4] WORKDIR /app\n#1 CACHED\n")
                .contains("#2 [stage-0 3/4] COPY a.txt /app/a.txt\n#2 MISS: file /app/a.txt changed\n#2 DONE ")
                .contains("#3 MISS: parent layers changed (step 2 missed)\n")
                .contains("#1 HIT  WORKDIR /app (from local) layer ")
                .contains("#2 MISS COPY a.txt /app/a.txt (file /app/a.txt changed) layer ")
                .contains("1 of 3 steps cached\nDONE ");
        CacheReport report = Engine.cacheReport(r);
        assertThat(report.hits()).isEqualTo(1);
        assertThat(report.steps())
                .extracting(CacheReport.Entry::reason)
                .containsExactly(
                        Optional.empty(),
                        Optional.of("file /app/a.txt changed"),
                        Optional.of("parent layers changed (step 2 missed)"));
        Path json = dir.resolve("report/cache.json");
        Engine.writeCacheReport(r, json);
        assertThat(Files.readString(json)).isEqualTo(report.toJson());
    }

    @Test
    void noCacheRunsEverythingSaysSoAndStillRecords() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DF, Map.of("a.txt", "A", "b.txt", "B"));
        BuildResult r = f.build(BuildRequest.builder(f.context).noCache(true).build());
        assertThat(r.steps()).allSatisfy(s -> assertThat(s.missReason()).contains("--no-cache"));
        assertThat(f.build().cachedSteps()).isEqualTo(3);
    }

    @Test
    void anUntaggedBuildPrunedStillRebuildsFromCacheToTheSameDigest() throws Exception {
        BuildFixture f = new BuildFixture(dir).files(DF, Map.of("a.txt", "A", "b.txt", "B"));
        BuildResult first = f.build();
        // nothing tags the image once the last-build ref is gone: prune drops its manifest and config,
        // the records keep the layers
        f.store.removeRef("builds", "last");
        f.store.prune(Duration.ZERO);
        assertThat(f.store.hasBlob(first.manifest().digest())).isFalse();
        BuildResult again = f.build();
        assertThat(again.cachedSteps()).isEqualTo(3);
        assertThat(again.manifest().digest()).isEqualTo(first.manifest().digest());
        assertThat(f.unpack(again.image(), "again").resolve("app/b.txt")).hasContent("B");
    }

    private static List<String> refs(BuildFixture f) throws Exception {
        Path root = f.store.root().resolve("refs");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
