package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheTest {
    static final String PARENT = ParentState.of(
            List.of(Digest.sha256("l1".getBytes(StandardCharsets.UTF_8))),
            "{\"Env\":[\"A=1\"]}".getBytes(StandardCharsets.UTF_8));

    static StepInputs run(String text, Map<String, String> in) {
        return StepInputs.of(PARENT, text, in);
    }

    @Test
    void keyIsIndependentOfInsertionOrderAndPinnedToTheEncoding() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("arg:X", "1");
        a.put("file:/a", "d1");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("file:/a", "d1");
        b.put("arg:X", "1");
        assertThat(run("RUN x", a).key()).isEqualTo(run("RUN x", b).key());
        assertThat(run("RUN x", a).key()).isNotEqualTo(run("RUN y", a).key());
        // the exact bytes hashed: versioned, fixed field order, sorted inputs, no whitespace
        assertThat(new String(StepInputs.of("p", "RUN x", b).canonicalJson(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"v\":1,\"parent\":\"p\",\"instruction\":\"RUN x\",\"inputs\":{\"arg:X\":\"1\",\"file:/a\":\"d1\"}}");
        assertThat(StepInputs.of("p", "RUN x", b).key().digest())
                .isEqualTo(Digest.sha256(StepInputs.of("p", "RUN x", b).canonicalJson()));
    }

    @Test
    void parentStateCoversDiffIdsAndConfigOnly() {
        Digest l = Digest.sha256(new byte[] {1});
        byte[] cfg = "{\"Env\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(ParentState.of(List.of(l), cfg)).isEqualTo(ParentState.of(List.of(l), cfg.clone()));
        assertThat(ParentState.of(List.of(l), cfg)).isNotEqualTo(ParentState.of(List.of(l, l), cfg));
        assertThat(ParentState.of(List.of(l), cfg)).isNotEqualTo(ParentState.of(List.of(l), "{}".getBytes()));
    }

    @Test
    void recordRoundTripsThroughJson() {
        StepInputs in = run("RUN pip install", Map.of("arg:PIP_PROXY", "h1"));
        Descriptor layer =
                new Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", Digest.sha256(new byte[] {2}), 2);
        CacheRecord r = new CacheRecord(
                in.key(),
                in,
                Optional.of(layer),
                Optional.of(Digest.sha256(new byte[] {3})),
                Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(CacheRecord.parse(r.toJson())).isEqualTo(r);
        CacheRecord empty = new CacheRecord(in.key(), in, Optional.empty(), Optional.empty(), Instant.EPOCH);
        assertThat(CacheRecord.parse(empty.toJson())).isEqualTo(empty);
    }

    @Test
    void localCacheStoresLooksUpListsCandidatesAndSurvivesPrune(@TempDir Path dir) {
        Store store = Store.open(dir.resolve("store"));
        LocalCache cache = new LocalCache(store);
        Descriptor layer =
                store.putBlob("application/vnd.oci.image.layer.v1.tar", "layer".getBytes(StandardCharsets.UTF_8));
        StepInputs in = run("RUN make", Map.of("arg:A", "1"));
        CacheRecord r = new CacheRecord(in.key(), in, Optional.of(layer), Optional.of(layer.digest()), Instant.EPOCH);
        assertThat(cache.lookup(in.key())).isEmpty();
        cache.add(r);
        cache.add(r); // same key twice is harmless
        assertThat(store.prune()).isZero();
        assertThat(new LocalCache(store).lookup(in.key())).contains(r);
        assertThat(cache.candidates(PARENT, "RUN")).containsExactly(r);
        assertThat(cache.candidates(PARENT, "COPY")).isEmpty();
        assertThat(cache.name()).isEqualTo("local");
    }

    @Test
    void aDamagedOrForeignRecordIsAMissNotAFailure(@TempDir Path dir) throws Exception {
        Store store = Store.open(dir.resolve("store"));
        LocalCache cache = new LocalCache(store);
        StepInputs in = run("RUN make", Map.of());
        Descriptor junk = store.putBlob(CacheRecord.MEDIA_TYPE, "{not json".getBytes(StandardCharsets.UTF_8));
        store.setRef("cache", in.key().digest().hex(), junk);
        assertThat(cache.lookup(in.key())).isEmpty();
        // a record filed under another key (copied by hand) must not be taken for this one
        StepInputs other = run("RUN other", Map.of());
        store.setRef(
                "cache",
                in.key().digest().hex(),
                store.putBlob(
                        CacheRecord.MEDIA_TYPE,
                        new CacheRecord(other.key(), other, Optional.empty(), Optional.empty(), Instant.EPOCH)
                                .toJson()));
        assertThat(cache.lookup(in.key())).isEmpty();
        // bytes changed on disk after writing: the store's digest check fails, the cache misses
        CacheRecord good = new CacheRecord(in.key(), in, Optional.empty(), Optional.empty(), Instant.EPOCH);
        cache.add(good);
        assertThat(cache.lookup(in.key())).contains(good);
        Descriptor rec = store.ref("cache", in.key().digest().hex()).orElseThrow();
        Files.write(store.blobPath(rec.digest()), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(cache.lookup(in.key())).isEmpty();
    }

    @Test
    void explainsAChangedFile() {
        StepInputs had = run("COPY run_test.py /usr/src/app/", Map.of("file:/usr/src/app/run_test.py", "d1"));
        StepInputs want = run("COPY run_test.py /usr/src/app/", Map.of("file:/usr/src/app/run_test.py", "d2"));
        MissExplanation e = MissExplanation.explain(want, List.of(rec(had)));
        assertThat(e.changed()).containsExactly("file /usr/src/app/run_test.py changed");
        assertThat(e.summary()).isEqualTo("COPY run_test.py /usr/src/app/: file /usr/src/app/run_test.py changed");
    }

    @Test
    void explainsAChangedBuildArgAndPicksTheNearestCandidate() {
        StepInputs far = run("RUN pip install -r r.txt", Map.of("arg:PIP_PROXY", "a", "arg:Z", "z"));
        StepInputs near = run("RUN pip install -r r.txt", Map.of("arg:PIP_PROXY", "a"));
        StepInputs want = run("RUN pip install -r r.txt", Map.of("arg:PIP_PROXY", "b"));
        assertThat(MissExplanation.explain(want, List.of(rec(far), rec(near))).changed())
                .containsExactly("build arg PIP_PROXY changed");
    }

    @Test
    void explainsChangedInstructionText() {
        StepInputs had = run("RUN make all", Map.of());
        assertThat(MissExplanation.explain(run("RUN make test", Map.of()), List.of(rec(had)))
                        .changed())
                .containsExactly("instruction text changed");
    }

    @Test
    void explainsChangedParentAndNothingCached() {
        StepInputs other = StepInputs.of("sha256:other", "RUN make", Map.of());
        assertThat(MissExplanation.explain(run("RUN make", Map.of()), List.of(rec(other)))
                        .summary())
                .isEqualTo("RUN make: parent layers changed");
        assertThat(MissExplanation.explain(run("RUN make", Map.of()), List.of(), "local")
                        .summary())
                .isEqualTo("RUN make: no earlier build of this step on this parent in local");
    }

    @Test
    void namesTheStepThatBrokeTheChainAndAddedInputs() {
        assertThat(MissExplanation.parentMissed(run("RUN make", Map.of()), 3).changed())
                .containsExactly("parent layers changed (step 3 missed)");
        StepInputs had = run("RUN make", Map.of());
        assertThat(MissExplanation.explain(run("RUN make", Map.of("arg:CC", "x")), List.of(rec(had)))
                        .changed())
                .containsExactly("build arg CC added");
    }

    private static CacheRecord rec(StepInputs in) {
        return new CacheRecord(in.key(), in, Optional.empty(), Optional.empty(), Instant.EPOCH);
    }
}
