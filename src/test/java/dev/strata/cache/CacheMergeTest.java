package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Merging an export into the cache already there: union, this build winning, retention by age and size. */
class CacheMergeTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);

    private static CacheRecord record(String instruction, int layerSize) {
        StepInputs in = StepInputs.of("sha256:parent", instruction, Map.of("platform", "linux/amd64"));
        Descriptor layer = new Descriptor(
                MediaType.OCI_LAYER_GZIP, Digest.sha256(instruction.getBytes(StandardCharsets.UTF_8)), layerSize);
        return new CacheRecord(
                in.key(),
                in,
                Optional.of(layer),
                Optional.of(Digest.sha256(("diff " + instruction).getBytes(StandardCharsets.UTF_8))),
                Instant.EPOCH,
                Optional.empty());
    }

    private static Set<String> instructions(List<CacheRecord> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(r.inputs().instruction()));
        return out;
    }

    private static CacheMerge.Result merge(List<CacheRecord> build, List<CacheManifest> there, CacheRetention r) {
        return CacheMerge.merge(build, Map.of(), there, DAY, r);
    }

    @Test
    void twoBranchesKeepEachOthersRecordsAndThisBuildWins() {
        CacheManifest branchA = CacheManifest.of(List.of(record("RUN a", 10).usedOn(DAY.minusDays(1))));
        CacheRecord sharedOld = record("RUN shared", 10).usedOn(DAY.minusDays(3));
        CacheManifest there = CacheManifest.of(List.of(record("RUN a", 10).usedOn(DAY.minusDays(1)), sharedOld));
        CacheMerge.Result r = merge(
                List.of(record("RUN b", 10), record("RUN shared", 10)),
                List.of(there, branchA),
                CacheRetention.DEFAULT);
        assertThat(instructions(r.records())).containsExactlyInAnyOrder("RUN a", "RUN b", "RUN shared");
        assertThat(r.fromBuild()).isEqualTo(2);
        assertThat(r.mergedIn()).isEqualTo(1);
        assertThat(r.dropped()).isZero();
        // a hit refreshes the day: the shared record is this build's, used today
        assertThat(r.records().stream()
                        .filter(x -> x.inputs().instruction().equals("RUN shared"))
                        .findFirst()
                        .orElseThrow()
                        .lastUsed())
                .contains(DAY);
    }

    @Test
    void recordsUnusedForLongerThanMaxAgeGoButThisBuildsStay() {
        CacheManifest there = CacheManifest.of(List.of(
                record("RUN fresh", 1).usedOn(DAY.minusDays(2)),
                record("RUN stale", 1).usedOn(DAY.minusDays(20))));
        CacheRetention week = CacheRetention.DEFAULT.withMaxAge(Duration.ofDays(7));
        CacheMerge.Result r = merge(List.of(record("RUN mine", 1)), List.of(there), week);
        assertThat(instructions(r.records())).containsExactlyInAnyOrder("RUN mine", "RUN fresh");
        assertThat(r.dropped()).isEqualTo(1);
        // max-age=0: nothing but this build
        assertThat(instructions(merge(List.of(record("RUN mine", 1)), List.of(there), week.withMaxAge(Duration.ZERO))
                        .records()))
                .containsExactly("RUN mine");
    }

    @Test
    void beyondMaxSizeTheLeastRecentlyUsedGoFirstAndTheBuildIsNeverCut() {
        CacheManifest there = CacheManifest.of(List.of(
                record("RUN day1", 100).usedOn(DAY.minusDays(1)),
                record("RUN day3", 100).usedOn(DAY.minusDays(3)),
                record("RUN day2", 100).usedOn(DAY.minusDays(2))));
        CacheRetention small = CacheRetention.DEFAULT.withMaxSize(350);
        CacheMerge.Result r = merge(List.of(record("RUN mine", 100)), List.of(there), small);
        assertThat(instructions(r.records())).containsExactlyInAnyOrder("RUN mine", "RUN day1", "RUN day2");
        // a build bigger than the budget keeps all its records and nothing else
        CacheMerge.Result big = merge(List.of(record("RUN huge", 1000)), List.of(there), small);
        assertThat(instructions(big.records())).containsExactly("RUN huge");
        assertThat(big.dropped()).isEqualTo(3);
    }

    @Test
    void aHundredExportsOfChangingBuildsStayUnderTheBoundWithTheLastBuildWhole() {
        CacheRetention bound = CacheRetention.DEFAULT.withMaxSize(5_000);
        CacheManifest cache = CacheManifest.of(List.of());
        List<CacheRecord> last = List.of();
        for (int i = 0; i < 100; i++) {
            LocalDate day = DAY.plusDays(i / 10);
            last = new ArrayList<>();
            last.add(record("RUN common", 200));
            last.add(record("COPY build " + i, 300 + i));
            last.add(record("RUN test " + i, 150));
            CacheMerge.Result r = CacheMerge.merge(last, Map.of(), List.of(cache), day, bound);
            cache = CacheManifest.of(r.records(), r.skeletons());
            cache = CacheManifest.parse(cache.manifest(), cache.config(), "round trip");
            long size = cache.blobs().stream().mapToLong(Descriptor::size).sum();
            assertThat(size).as("export %d", i).isLessThanOrEqualTo(5_000);
            assertThat(instructions(cache.records())).containsAll(instructions(last));
        }
        assertThat(cache.records().size()).isBetween(3, 20);
    }

    @Test
    void theSameInputsMergeToTheSameBytesWhateverTheOrderFound() {
        CacheManifest x = CacheManifest.of(List.of(record("RUN x", 5).usedOn(DAY)));
        CacheManifest y = CacheManifest.of(List.of(record("RUN y", 5).usedOn(DAY)));
        CacheMerge.Result one = merge(List.of(record("RUN m", 5)), List.of(x, y), CacheRetention.DEFAULT);
        CacheMerge.Result two = merge(List.of(record("RUN m", 5)), List.of(y, x), CacheRetention.DEFAULT);
        assertThat(CacheManifest.of(one.records(), one.skeletons()).manifest())
                .isEqualTo(CacheManifest.of(two.records(), two.skeletons()).manifest());
    }

    @Test
    void aliasesAndLastUsedRoundTripAndAnAliasFindsItsRecord() {
        CacheRecord base = record("COPY --from=builder /a /a", 7);
        CacheKey alias = StepInputs.of("sha256:parent", "COPY --from=builder /a /a", Map.of("from:/a", "s1"))
                .key();
        CacheRecord r = base.withAliases(List.of(alias)).usedOn(DAY);
        CacheRecord back = CacheRecord.parse(r.toJson());
        assertThat(back).isEqualTo(r);
        assertThat(back.answers(alias)).isTrue();
        CacheManifest c = CacheManifest.of(List.of(r));
        assertThat(c.byKey()).containsKeys(base.key(), alias);
    }

    @Test
    void retentionFlagsParseAndBadOnesAreUsageErrors() {
        CacheSpec s = CacheSpec.parseTo("type=registry,ref=127.0.0.1:5000/app:cache,max-age=3d,max-size=500m");
        assertThat(s.retention()).isEqualTo(new CacheRetention(Duration.ofDays(3), 500L << 20));
        assertThat(CacheSpec.parseTo("type=local,dest=/tmp/c").retention()).isEqualTo(CacheRetention.DEFAULT);
        assertThat(CacheSpec.parseTo("type=inline").mode()).isEqualTo(CacheSpec.Mode.MAX);
        assertThat(CacheRetention.parseSize("10GiB", "x")).isEqualTo(10L << 30);
        assertThat(CacheRetention.parseAge("2w", "x")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> CacheSpec.parseTo("type=registry,ref=127.0.0.1:5000/a:c,max-age=soon"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("max-age=soon")
                .hasMessageContaining("as in 14d");
        assertThatThrownBy(() -> CacheSpec.parseFrom("type=registry,ref=127.0.0.1:5000/a:c,max-size=1g"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("unknown key 'max-size'");
    }

    private static MountBlob mount(String content, int size, LocalDate used) {
        return new MountBlob(
                new Descriptor(MountBlob.MEDIA_TYPE, Digest.sha256(content.getBytes(StandardCharsets.UTF_8)), size),
                used);
    }

    private static CacheMerge.Result mergeMounts(
            Map<String, MountBlob> mine, Set<String> used, CacheManifest there, CacheRetention r, long budget) {
        return CacheMerge.merge(List.of(), Map.of(), mine, used, List.of(there), DAY, r, budget);
    }

    @Test
    void mountsOfOtherIdsStayAndThisBuildsContentWinsForItsOwn() {
        CacheManifest there = CacheManifest.of(
                List.of(),
                Map.of(),
                Map.of("pip", mount("pip old", 100, DAY.minusDays(1)), "m2", mount("m2", 100, DAY.minusDays(2))),
                Optional.empty());
        // the round trip keeps them, listed as blobs, not as record layers
        CacheManifest back = CacheManifest.parse(there.manifest(), there.config(), "test");
        assertThat(back.mounts()).isEqualTo(there.mounts());
        assertThat(back.layers()).isEmpty();
        assertThat(back.blobs()).hasSize(2);
        CacheMerge.Result r = mergeMounts(
                Map.of("pip", mount("pip new", 120, DAY)), Set.of("pip"), there, CacheRetention.DEFAULT, 1 << 20);
        assertThat(r.mounts()).containsOnlyKeys("pip", "m2");
        assertThat(r.mounts().get("pip").blob().size()).isEqualTo(120);
        assertThat(r.mounts().get("m2").lastUsed()).isEqualTo(DAY.minusDays(2));
        // a build that exports no mount (cache-mounts off) loses none of them; a used id counts as used today
        CacheMerge.Result plain = mergeMounts(Map.of(), Set.of("m2"), there, CacheRetention.DEFAULT, 1 << 20);
        assertThat(plain.mounts()).containsOnlyKeys("pip", "m2");
        assertThat(plain.mounts().get("m2").lastUsed()).isEqualTo(DAY);
    }

    @Test
    void mountsAgeOutAndTheBudgetKeepsTheMostRecentlyUsed() {
        CacheManifest there = CacheManifest.of(
                List.of(),
                Map.of(),
                Map.of(
                        "old", mount("old", 100, DAY.minusDays(20)),
                        "recent", mount("recent", 100, DAY.minusDays(1)),
                        "older", mount("older", 100, DAY.minusDays(5))),
                Optional.empty());
        CacheMerge.Result r =
                mergeMounts(Map.of("mine", mount("mine", 150, DAY)), Set.of(), there, CacheRetention.DEFAULT, 260);
        assertThat(r.mounts()).containsOnlyKeys("mine", "recent");
        CacheMerge.Result zero =
                mergeMounts(Map.of(), Set.of(), there, CacheRetention.DEFAULT.withMaxAge(Duration.ZERO), 1 << 20);
        assertThat(zero.mounts()).isEmpty();
    }

    @Test
    void cacheMountFlagsParse() {
        CacheSpec all = CacheSpec.parseTo("type=local,dest=/tmp/c,cache-mounts=true");
        assertThat(all.mounts().carries("anything")).isTrue();
        CacheSpec some = CacheSpec.parseTo(
                "type=registry,ref=127.0.0.1:5000/a:c,cache-mounts=pip,/root/.m2,mode=max,cache-mounts-max-size=200m");
        assertThat(some.mounts().ids()).containsExactlyInAnyOrder("pip", "/root/.m2");
        assertThat(some.mounts().maxSize()).isEqualTo(200L << 20);
        assertThat(some.mode()).isEqualTo(CacheSpec.Mode.MAX);
        assertThat(CacheSpec.parseTo("type=local,dest=/tmp/c").mounts().enabled())
                .isFalse();
        assertThatThrownBy(() -> CacheSpec.parseFrom("type=local,src=/tmp/c,cache-mounts=true"))
                .hasMessageContaining("unknown key 'cache-mounts'");
        assertThatThrownBy(() -> CacheSpec.parseTo("type=local,dest=/tmp/c,cache-mounts-max-size=lots"))
                .hasMessageContaining("cache-mounts-max-size=lots");
    }
}
