package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.archive.Compression;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import dev.strata.archive.WrittenLayer;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Layer;
import dev.strata.oci.LazyLayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SnapshotsTest {
    @TempDir
    Path tmp;

    Store store;
    Layer layer;
    byte[] blob;
    final AtomicInteger opens = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        store = Store.open(tmp.resolve("store"));
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("etc/app"));
        Files.writeString(tree.resolve("etc/app/conf"), "key=value\n");
        byte[] big = new byte[3_000_000];
        new Random(5).nextBytes(big);
        Files.write(tree.resolve("etc/app/big.bin"), big);
        Files.writeString(tree.resolve(".wh.gone"), ""); // an OCI whiteout: an overlay whiteout once unpacked
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        WrittenLayer w = LayerWriter.writeTree(tree, new LayerOptions(Compression.GZIP, Optional.empty(), 2), o);
        blob = o.toByteArray();
        Descriptor d = store.putBlob(w.descriptor().mediaType(), blob);
        layer = new LazyLayer(d, w.diffId(), desc -> {
            opens.incrementAndGet();
            return store.openBlob(desc.digest());
        });
    }

    Path snapshots() {
        return store.root().resolve("snapshots");
    }

    void assertGood(Path dir) throws IOException {
        assertThat(dir).isEqualTo(snapshots().resolve(layer.diffId().hex()));
        assertThat(dir.resolve("etc/app/conf")).hasContent("key=value\n");
        assertThat(Files.size(dir.resolve("etc/app/big.bin"))).isEqualTo(3_000_000);
        assertThat(Files.getAttribute(dir.resolve("gone"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0020000);
        assertThat(Files.getAttribute(dir.resolve("gone"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0L);
        assertThat(Files.exists(dir.resolve(".wh.gone"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }

    /** Only finished snapshots remain: no temp dirs left behind. */
    List<String> snapshotNames() throws IOException {
        try (Stream<Path> s = Files.list(snapshots())) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void createsOnceThenReusesWithoutReadingTheBlob() throws IOException {
        Snapshots snaps = new Snapshots(store);
        assertThat(snaps.existing(layer.diffId())).isEmpty();
        Path dir = snaps.snapshot(layer);
        assertGood(dir);
        assertThat(opens).hasValue(1);
        assertThat(snaps.existing(layer.diffId())).contains(dir);
        // a later build (another Snapshots on the same store) reuses it as is
        Files.writeString(dir.resolve("marker"), "same dir");
        assertThat(new Snapshots(Store.open(store.root())).snapshot(layer)).isEqualTo(dir);
        assertThat(dir.resolve("marker")).exists();
        assertThat(opens).hasValue(1);
        assertThat(snapshotNames()).containsExactly(layer.diffId().hex());
    }

    @Test
    void threadsMakingTheSameSnapshotAtOnceLeaveOneGoodCopy() throws Exception {
        Snapshots shared = new Snapshots(store);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // two share one Snapshots (they wait for each other), two have their own (they race)
                Snapshots s = i < 2 ? shared : new Snapshots(store);
                Callable<Path> c = () -> {
                    go.await();
                    return s.snapshot(layer);
                };
                results.add(pool.submit(c));
            }
            go.countDown();
            for (Future<Path> f : results) {
                assertGood(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(opens.get()).isBetween(1, 3);
        assertThat(snapshotNames()).containsExactly(layer.diffId().hex());
    }

    @Test
    void twoProcessesMakingTheSameSnapshotLeaveOneGoodCopy() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            SnapshotMakerMain.class.getName(),
                            store.root().toString(),
                            layer.descriptor().mediaType(),
                            layer.descriptor().digest().toString(),
                            Long.toString(layer.descriptor().size()),
                            layer.diffId().toString())
                    .redirectErrorStream(true)
                    .start());
        }
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).isEqualTo(snapshots().resolve(layer.diffId().hex()).toString());
        }
        assertGood(new Snapshots(store).existing(layer.diffId()).orElseThrow());
        assertThat(snapshotNames()).containsExactly(layer.diffId().hex());
    }

    @Test
    void aCrashedMakersHalfWrittenDirIsNeverUsedAndIsCleanedUp() throws Exception {
        // what a maker killed mid-unpack leaves: its temp dir, named with its (now dead) pid
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path half =
                snapshots().resolve(".tmp-" + dead.pid() + "-" + layer.diffId().shortHex() + "-x");
        Files.createDirectories(half.resolve("etc/app"));
        Files.writeString(half.resolve("etc/app/conf"), "key=va");
        // and a maker still running elsewhere: its temp dir must be left alone
        Process alive = new ProcessBuilder("sleep", "30").start();
        Path busy =
                snapshots().resolve(".tmp-" + alive.pid() + "-" + layer.diffId().shortHex() + "-y");
        try {
            Files.createDirectories(busy);
            Snapshots snaps = new Snapshots(store);
            assertThat(snaps.existing(layer.diffId())).isEmpty();
            assertGood(snaps.snapshot(layer));
            assertThat(half).doesNotExist();
            assertThat(busy).isDirectory();
        } finally {
            alive.destroy();
            alive.waitFor();
        }
    }

    @Test
    void aFailedUnpackLeavesNoSnapshotAndTheNextTrySucceeds() throws IOException {
        // the source dies half-way (a dropped download, a crash of the reader)
        Layer flaky = new LazyLayer(
                layer.descriptor(),
                layer.diffId(),
                desc -> new FilterInputStream(new ByteArrayInputStream(blob, 0, blob.length / 2)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n < 0) {
                            throw new IOException("connection reset");
                        }
                        return n;
                    }
                });
        Snapshots snaps = new Snapshots(store);
        assertThatThrownBy(() -> snaps.snapshot(flaky))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining(layer.descriptor().digest().toString());
        assertThat(snaps.existing(layer.diffId())).isEmpty();
        assertThat(snapshotNames()).isEmpty();
        assertGood(snaps.snapshot(layer));
    }

    @Test
    void aSnapshotWhoseDirWasDeletedIsRecreated() throws IOException {
        Snapshots snaps = new Snapshots(store);
        Path dir = snaps.snapshot(layer);
        new ProcessBuilder("rm", "-rf", dir.toString())
                .inheritIO()
                .start()
                .onExit()
                .join();
        assertThat(dir).doesNotExist();
        assertThat(snaps.existing(layer.diffId())).isEmpty();
        assertGood(snaps.snapshot(layer));
        assertThat(opens).hasValue(2);
    }

    @Test
    void aBlobThatIsNotItsDigestIsRefused() throws IOException {
        byte[] other = Arrays.copyOf(blob, blob.length + 8); // gzip ignores it: same tar, other digest
        Layer wrong = new LazyLayer(layer.descriptor(), layer.diffId(), desc -> new ByteArrayInputStream(other));
        assertThatThrownBy(() -> new Snapshots(store).snapshot(wrong))
                .isInstanceOf(StrataException.class)
                .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining(layer.descriptor().digest().toString())
                .hasMessageContaining("has digest");
        assertThat(new Snapshots(store).existing(layer.diffId())).isEmpty();
        assertThat(snapshotNames()).isEmpty();
    }

    @Test
    void aLayerWhoseDiffIdDoesNotMatchIsRefused() throws IOException {
        Digest bogus = Digest.sha256(new byte[] {1});
        Layer lying = new LazyLayer(layer.descriptor(), bogus, desc -> store.openBlob(desc.digest()));
        assertThatThrownBy(() -> new Snapshots(store).snapshot(lying))
                .isInstanceOf(StrataException.class)
                .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining("diffID")
                .hasMessageContaining(bogus.toString());
        assertThat(new Snapshots(store).existing(bogus)).isEmpty();
        assertThat(snapshotNames()).isEmpty();
    }
}
