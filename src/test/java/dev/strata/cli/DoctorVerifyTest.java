package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.archive.RawTar;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import dev.strata.store.StoreReport;
import dev.strata.store.StoreVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata doctor --verify [--repair]} on stores damaged on purpose, each a copy of one real
 * build's store: verify names the damage (and the command exits 4), repair removes it, a second verify
 * finds the store consistent (also {@link StoreAudit}, which reads the files itself), and a rebuild
 * gives the undamaged build's digest. The command runs as a process where its output and exit code
 * are the point; the other cases call the verifier in this JVM (a JVM start each is slow here).
 */
class DoctorVerifyTest {
    static final String DOCKERFILE = """
            FROM test/busybox:latest
            COPY a.txt /a.txt
            COPY b.txt /b.txt
            """;

    @TempDir
    static Path shared;

    static Path rootfsTar;

    @TempDir
    Path dir;

    Path home;
    Path ctx;
    Digest built;

    static Path pristine;

    @BeforeAll
    static void buildOnce() throws Exception {
        rootfsTar = BusyboxStore.rootfsTar(shared);
        pristine = shared.resolve("home");
        Path ctx = BusyboxStore.create(pristine, rootfsTar);
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
        StrataProcess.Result r = StrataProcess.run(pristine, "build", "-t", "app:1", ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
    }

    @BeforeEach
    void copy() throws Exception {
        home = dir.resolve("home");
        ctx = pristine.resolveSibling(pristine.getFileName() + "-ctx");
        StoreCommandsTest.tool("cp", "-a", pristine.toString(), home.toString());
        built = Store.open(home).resolve("app:1").orElseThrow().digest();
    }

    /** The problems the verifier finds now, one line each as the command prints them. */
    List<String> problems() {
        return StoreVerifier.verify(Store.open(home)).problems().stream()
                .map(p -> p.what() + ": " + p.detail())
                .toList();
    }

    /** Repairs in this JVM and checks both judges find the store sound. */
    void repairInProcess() throws Exception {
        Store s = Store.open(home);
        StoreReport after = StoreVerifier.repair(s, StoreVerifier.verify(s));
        assertThat(after.problems()).isEmpty();
        assertThat(StoreAudit.problems(home)).isEmpty();
    }

    StrataProcess.Result verify(String... more) throws Exception {
        String[] args = new String[more.length + 2];
        args[0] = "doctor";
        args[1] = "--verify";
        System.arraycopy(more, 0, args, 2, more.length);
        return StrataProcess.run(home, args);
    }

    Manifest manifest() {
        Store s = Store.open(home);
        Descriptor d = s.resolve("app:1").orElseThrow();
        return Manifest.parse(s.readBlob(d.digest()), d.mediaType());
    }

    Path blob(Digest d) {
        return home.resolve("blobs/sha256").resolve(d.hex());
    }

    /** Repairs, then checks the store is sound by both judges and a rebuild matches the first build. */
    void repairAndRebuild() throws Exception {
        StrataProcess.Result fix = verify("--repair");
        assertThat(fix.code()).as(fix.out()).isZero();
        assertThat(fix.out()).contains("repaired").contains("is consistent");
        StrataProcess.Result again = verify();
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).doesNotContain("broken");
        assertThat(StoreAudit.problems(home)).isEmpty();
        StrataProcess.Result rebuild = StrataProcess.run(home, "build", "-t", "app:1", ctx.toString());
        assertThat(rebuild.code()).as(rebuild.out()).isZero();
        assertThat(Store.open(home).resolve("app:1").orElseThrow().digest()).isEqualTo(built);
        assertThat(verify().code()).isZero();
    }

    @Test
    void aSoundStoreIsConsistentAndEveryBlobIsHashed() throws Exception {
        StoreReport report = StoreVerifier.verify(Store.open(home));
        assertThat(report.problems()).isEmpty();
        assertThat(report.skeletons()).as("the COPY layers' skeletons compared").isPositive();
        StrataProcess.Result r = verify();
        assertThat(r.code()).as(r.out()).isZero();
        long blobs;
        try (var s = Files.list(home.resolve("blobs/sha256"))) {
            blobs = s.count();
        }
        assertThat(r.out())
                .contains("checked " + blobs + " blob(s)")
                .contains("2 tag(s)")
                .contains("is consistent");
    }

    @Test
    void aLayerWithFlippedBytesIsReportedAndItsTagRemoved() throws Exception {
        Digest layer = manifest().layers().get(manifest().layers().size() - 1).digest();
        byte[] b = Files.readAllBytes(blob(layer));
        b[b.length / 2] ^= 0x5a;
        Files.write(blob(layer), b);

        StrataProcess.Result r = verify();
        assertThat(r.code()).as(r.out()).isEqualTo(4);
        assertThat(r.out())
                .contains("broken    blob " + layer + ": its bytes hash to sha256:")
                .contains("tag app:1: its layer " + layer + " is corrupt")
                .contains("run `strata doctor --verify --repair`");
        repairAndRebuild();
        assertThat(Files.exists(blob(layer)))
                .as("the rebuild wrote the good layer again")
                .isTrue();
    }

    @Test
    void aMissingConfigBreaksTheTag() throws Exception {
        Digest config = manifest().config().digest();
        Files.delete(blob(config));
        assertThat(problems()).containsExactly("tag app:1: its config " + config + " is missing");
        repairInProcess();
        assertThat(Store.open(home).resolve("app:1")).isEmpty();
    }

    @Test
    void aCacheRecordWhoseBlobIsGoneIsADanglingRef() throws Exception {
        Store s = Store.open(home);
        String key = s.refNames("cache").get(0);
        Digest record = s.ref("cache", key).orElseThrow().digest();
        Files.delete(blob(record));
        assertThat(problems()).contains("ref cache/" + key + ": its blob " + record + " is missing");
        repairInProcess();
    }

    @Test
    void aCacheRecordThatIsNotJsonIsABadEntry() throws Exception {
        Store s = Store.open(home);
        String key = s.refNames("cache").get(0);
        Descriptor junk =
                s.putBlob("application/vnd.strata.cache.record.v1+json", "{not json".getBytes(StandardCharsets.UTF_8));
        s.setRef("cache", key, junk);
        assertThat(problems()).anyMatch(p -> p.startsWith("ref cache/" + key + ": its cache record cannot be read"));
        repairInProcess();
    }

    @Test
    void aSkeletonThatDisagreesWithItsLayerIsFound() throws Exception {
        Store s = Store.open(home);
        List<String> skeletons = s.refNames("skeleton");
        assertThat(skeletons).isNotEmpty();
        // a well-formed skeleton of another tree: one file the layer does not have
        byte[] gz = RawTar.gzip(new RawTar().file("etc/shadow", "").end().bytes());
        Descriptor lie = s.putBlob(MediaType.STRATA_LAYER_SKELETON, gz);
        String diffId = skeletons.get(0);
        s.setRef("skeleton", diffId, lie);
        assertThat(problems())
                .anyMatch(p -> p.endsWith("skeleton " + lie.digest() + " does not list the layer's entries"));
        repairInProcess();
        assertThat(Store.open(home).ref("skeleton", diffId))
                .as("made again from the layer when needed")
                .isEmpty();
    }

    @Test
    void anUnreadableIndexIsReplacedAndTheRebuildTagsAgain() throws Exception {
        Files.writeString(home.resolve("index.json"), "{\"manifests\": [");
        StrataProcess.Result r = verify();
        assertThat(r.code()).as(r.out()).isEqualTo(4);
        assertThat(r.out()).contains("broken    index.json: cannot be read");
        StrataProcess.Result fix = verify("--repair");
        assertThat(fix.code()).as(fix.out()).isZero();
        assertThat(fix.out()).contains("every tag is lost");
        StrataProcess.Result rebuild = StrataProcess.run(home, "build", "-t", "app:1", ctx.toString());
        // the base's tag went with the index: the build says so (exit 2) instead of using a half store
        assertThat(rebuild.code()).as(rebuild.out()).isNotZero();
        assertThat(StrataProcess.run(home, "import", rootfsTar.toString(), "-t", "test/busybox:latest")
                        .code())
                .isZero();
        rebuild = StrataProcess.run(home, "build", "-t", "app:1", ctx.toString());
        assertThat(rebuild.code()).as(rebuild.out()).isZero();
        assertThat(Store.open(home).resolve("app:1").orElseThrow().digest()).isEqualTo(built);
        assertThat(verify().code()).isZero();
    }

    @Test
    void aDeadWritersTempFileIsALeftoverThatRepairDeletes() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path temp = home.resolve("tmp").resolve("blob-pid" + gone.pid() + "-half");
        Files.write(temp, new byte[1000]);
        StrataProcess.Result r = verify();
        assertThat(r.code()).as("a leftover only takes space: " + r.out()).isZero();
        assertThat(r.out())
                .contains("leftover  tmp/" + temp.getFileName() + ": its writer (pid " + gone.pid() + ") is gone");
        StrataProcess.Result fix = verify("--repair");
        assertThat(fix.code()).as(fix.out()).isZero();
        assertThat(temp).doesNotExist();
    }

    @Test
    void aTempFileOfARunningWriterIsLeftAlone() throws Exception {
        Path temp =
                home.resolve("tmp").resolve("blob-pid" + ProcessHandle.current().pid() + "-writing");
        Files.write(temp, new byte[10]);
        assertThat(problems()).isEmpty();
        repairInProcess();
        assertThat(temp).exists();
    }
}
