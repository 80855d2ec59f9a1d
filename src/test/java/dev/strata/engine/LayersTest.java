package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.History;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.Snapshots;
import dev.strata.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/**
 * The engine's layers through archive.LayerWriter and store.Snapshots: hardlinks into lower layers,
 * xattrs of RUN layers, snapshots shared between builds, identical layers for identical inputs.
 */
class LayersTest extends MountCheckedTest {
    @Test
    void aLayerHardlinkingAFileOfALowerLayerUnpacksAndRuns() throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox();
        // like a package manager's layer (busybox picks its applet by the name it runs under): a new name for a file
        // the base layer holds
        byte[] extra = tar(t -> {
            TarArchiveEntry link = new TarArchiveEntry("opt/echo", TarConstants.LF_LINK, true);
            link.setLinkName("bin/busybox");
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
        });
        tagWithExtraLayer(f.store, extra, "test/linked:1");
        f.files("FROM test/linked:1\nRUN /opt/echo via-link > /out.txt\n", Map.of());
        BuildResult r = f.build("linked:2");
        Path root = f.unpack(r.image(), "linked");
        assertThat(BuildFixture.read(root.resolve("out.txt"))).isEqualTo("via-link\n");
        // the snapshot of the extra layer holds a copy of the lower file, as its own layer cannot link
        Path snap =
                f.store.root().resolve("snapshots").resolve(Digest.sha256(extra).hex());
        assertThat(Files.isRegularFile(snap.resolve("opt/echo"), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        assertThat(Files.mismatch(snap.resolve("opt/echo"), Path.of("/bin/busybox")))
                .isEqualTo(-1L);
        assertThat(Files.getAttribute(snap.resolve("opt/echo"), "unix:mode"))
                .isEqualTo(Files.getAttribute(Path.of("/bin/busybox"), "unix:mode"));
        try (Stream<Path> s = Files.list(f.store.root().resolve("snapshots"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test
    void runLayersKeepXattrsButNotOverlayOnes() throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox();
        byte[] extra = tar(t -> {
            TarArchiveEntry d = new TarArchiveEntry("data/", TarConstants.LF_DIR, true);
            d.setMode(0755);
            t.putArchiveEntry(d);
            t.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("data/tagged", TarConstants.LF_NORMAL, true);
            file.setMode(0644);
            file.setSize(2);
            file.addPaxHeader("SCHILY.xattr.user.strata", "kept");
            t.putArchiveEntry(file);
            t.write("x\n".getBytes(StandardCharsets.UTF_8));
            t.closeArchiveEntry();
            TarArchiveEntry d2 = new TarArchiveEntry("data/old/", TarConstants.LF_DIR, true);
            d2.setMode(0755);
            t.putArchiveEntry(d2);
            t.closeArchiveEntry();
        });
        tagWithExtraLayer(f.store, extra, "test/xattr:1");
        // chmod copies the file up (with its xattrs); re-creating a dir makes it opaque in the upperdir
        f.files("FROM test/xattr:1\nRUN chmod 600 /data/tagged && rm -r /data/old && mkdir /data/old\n", Map.of());
        BuildResult r = f.build("xattr:2");
        Layer run = r.image().layers().get(r.image().layers().size() - 1);
        Map<String, Map<String, String>> pax = paxOf(run);
        assertThat(pax).containsKey("data/tagged");
        assertThat(pax.get("data/tagged")).containsEntry("SCHILY.xattr.user.strata", "kept");
        assertThat(pax).containsKey("data/old/.wh..wh..opq");
        assertThat(pax.values()).allSatisfy(h -> assertThat(h.keySet()).noneMatch(k -> k.contains("trusted.overlay")));
        Path root = f.unpack(r.image(), "xattr");
        assertThat((Integer) Files.getAttribute(root.resolve("data/tagged"), "unix:mode") & 07777)
                .isEqualTo(0600);
    }

    @Test
    void aSecondBuildReusesTheSnapshotsOfTheFirst() throws Exception {
        BuildFixture f = new BuildFixture(dir).withBusybox();
        f.files("FROM test/busybox:latest\nRUN echo one > /one\n", Map.of());
        BuildResult first = f.build("reuse:1");
        Path snaps = f.store.root().resolve("snapshots");
        Path base = snaps.resolve(first.image().layers().get(0).diffId().hex());
        Object dirKey = Files.readAttributes(base, "unix:ino").get("ino");
        Object fileKey =
                Files.readAttributes(base.resolve("bin/busybox"), "unix:ino").get("ino");
        // a different RUN (a cache miss) stacks the same base snapshot again
        f.files("FROM test/busybox:latest\nRUN echo two > /two\n", Map.of());
        BuildResult second = f.build("reuse:2");
        assertThat(f.events).contains("done 2").doesNotContain("cached 2");
        assertThat(BuildFixture.read(f.unpack(second.image(), "two").resolve("two")))
                .isEqualTo("two\n");
        assertThat(Files.readAttributes(base, "unix:ino").get("ino")).isEqualTo(dirKey);
        assertThat(Files.readAttributes(base.resolve("bin/busybox"), "unix:ino").get("ino"))
                .isEqualTo(fileKey);

        // and the store's snapshots read a layer's bytes once, whichever build (instance) asks
        AtomicInteger opens = new AtomicInteger();
        byte[] blob = tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry("hello", TarConstants.LF_NORMAL, true);
            e.setSize(1);
            t.putArchiveEntry(e);
            t.write('h');
            t.closeArchiveEntry();
        });
        Layer counted = new Layer() {
            @Override
            public Descriptor descriptor() {
                return new Descriptor(MediaType.OCI_LAYER, Digest.sha256(blob), blob.length);
            }

            @Override
            public Digest diffId() {
                return Digest.sha256(blob);
            }

            @Override
            public InputStream open() {
                opens.incrementAndGet();
                return new ByteArrayInputStream(blob);
            }
        };
        Path a = new Snapshots(f.store).snapshot(counted);
        Path b = new Snapshots(Store.open(f.store.root())).snapshot(counted);
        assertThat(a).isEqualTo(b);
        assertThat(opens.get()).isEqualTo(1);
    }

    @Test
    void identicalInputsGiveIdenticalLayersInAnotherStore() throws Exception {
        String df = "FROM test/busybox:latest\nCOPY app /app\nRUN echo built > /app/out && ln /app/a /app/c\n";
        List<List<Digest>> layers = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            BuildFixture f =
                    new BuildFixture(dir.resolve(name)).withBusybox().files(df, Map.of("app/a", "A", "app/sub/b", "B"));
            // hardlinked context files stay one file plus a link entry
            Files.createLink(f.context.resolve("app/hard"), f.context.resolve("app/a"));
            Files.setLastModifiedTime(
                    f.context.resolve("app/a"), FileTime.fromMillis(name.equals("one") ? 1_000_000L : 2_000_000L));
            BuildResult r = f.build("same:1");
            layers.add(r.image().layers().stream()
                    .map(l -> l.descriptor().digest())
                    .toList());
            Map<String, String> types = new TreeMap<>();
            try (TarArchiveInputStream t = new TarArchiveInputStream(
                    new GZIPInputStream(r.image().layers().get(1).open()))) {
                for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                    types.put(e.getName(), e.isLink() ? "link:" + e.getLinkName() : e.isDirectory() ? "dir" : "file");
                }
            }
            assertThat(types)
                    .containsEntry("app/a", "file")
                    .containsEntry("app/hard", "link:app/a")
                    .containsEntry("app/sub/", "dir");
        }
        assertThat(layers.get(0)).hasSize(3).isEqualTo(layers.get(1));
    }

    /** A tar of what {@code body} writes. */
    private static byte[] tar(TarBody body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(t);
            t.finish();
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface TarBody {
        void write(TarArchiveOutputStream t) throws Exception;
    }

    /** Tags the busybox base plus one uncompressed layer {@code tar} as {@code name}. */
    private static void tagWithExtraLayer(Store store, byte[] tar, String name) {
        Image base = store.image(store.resolve("test/busybox:latest").orElseThrow());
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER, tar);
        ImageConfig cfg = base.config().withLayer(Digest.sha256(tar), History.of("extra", false));
        List<Descriptor> layers = new ArrayList<>(base.manifest().layers());
        layers.add(layer);
        Descriptor c = store.putBlob(MediaType.OCI_CONFIG, cfg.toBytes());
        Descriptor m = store.putBlob(
                MediaType.OCI_MANIFEST,
                Manifest.of(MediaType.OCI_MANIFEST, c, layers, Map.of()).bytes());
        store.tag(name, "docker.io/" + name, m);
    }

    /** Each entry's PAX headers (beyond the standard ones commons-compress maps to fields). */
    private static Map<String, Map<String, String>> paxOf(Layer layer) throws Exception {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (InputStream in = layer.open();
                TarArchiveInputStream t = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                out.put(e.getName(), new TreeMap<>(e.getExtraPaxHeaders()));
            }
        }
        return out;
    }
}
