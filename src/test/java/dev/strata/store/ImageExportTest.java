package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Index;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageExportTest {
    @TempDir
    Path dir;

    Store store;
    Image image;

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    @BeforeEach
    void importBase() throws Exception {
        store = Store.open(dir.resolve("store"));
        Descriptor d = ImageImport.importRootfs(
                store,
                ImageImportTest.rootfsTar(dir),
                "base:1",
                "docker.io/library/base:1",
                Platform.parse("linux/amd64"));
        image = store.image(d);
    }

    @Test
    void ociLayoutIsReadBySkopeoAndUnpackedByUmoci() throws Exception {
        Path layout = dir.resolve("layout");
        ImageExport.writeOciLayout(image, store, layout, "base");
        String inspect = run("skopeo", "inspect", "oci:" + layout + ":base");
        assertThat(inspect)
                .contains(image.manifest().digest().toString())
                .contains(image.layers().get(0).descriptor().digest().toString());
        Path bundle = dir.resolve("bundle");
        run("umoci", "unpack", "--image", layout + ":base", bundle.toString());
        assertThat(Files.readString(bundle.resolve("rootfs/etc/passwd"))).startsWith("root:x:0:0");
        assertThat(Files.readSymbolicLink(bundle.resolve("rootfs/bin/sh"))).isEqualTo(Path.of("tool"));
        run("skopeo", "copy", "oci:" + layout + ":base", "oci-archive:" + dir.resolve("copy.tar"));
        Image back = OciLayout.open(layout).image(Optional.of("base"), Platform.parse("linux/amd64"));
        assertThat(back.manifest()).isEqualTo(image.manifest());
    }

    @Test
    void umociUnpacksTheSavedLayoutToTheOriginalTree() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.createDirectories(tree.resolve("var/empty"));
        Files.writeString(tree.resolve("usr/bin/run"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(tree.resolve("usr/bin/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(tree.resolve("secret"), "s");
        Files.setPosixFilePermissions(tree.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(tree.resolve("usr/bin/alias"), Path.of("run"));
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        Files.write(tree.resolve("usr/big.bin"), big);
        Path tar = dir.resolve("tree.tar");
        run(
                "tar",
                "--sort=name",
                "--mtime=@0",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "-C",
                tree.toString(),
                "-cf",
                tar.toString(),
                ".");
        Image img =
                store.image(ImageImport.importRootfs(store, tar, "tree:1", "tree:1", Platform.parse("linux/amd64")));
        Path layout = dir.resolve("tree-layout");
        ImageExport.writeOciLayout(img, store, layout, "t");
        Path bundle = dir.resolve("tree-bundle");
        run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        assertThat(describe(bundle.resolve("rootfs"))).isEqualTo(describe(tree));
    }

    /** Every path with its type, mode and content (or link target), for comparing trees. */
    private static SortedMap<String, String> describe(Path root) throws Exception {
        SortedMap<String, String> out = new TreeMap<>();
        try (var w = Files.walk(root)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    out.put(
                            rel,
                            Files.isDirectory(p)
                                    ? "dir " + mode
                                    : "file " + mode + " " + Digest.sha256(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    @Test
    void ociArchiveIsDeterministicAndReadBySkopeo() throws Exception {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageExport.writeOciArchive(image, store, a, "base:1");
        ImageExport.writeOciArchive(image, store, b, "base:1");
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        Path file = dir.resolve("img.tar");
        Files.write(file, a.toByteArray());
        assertThat(run("skopeo", "inspect", "oci-archive:" + file))
                .contains(image.manifest().digest().toString());
    }

    @Test
    void dockerArchiveIsReadBySkopeoWithTheSameDiffIdsAndRoundTripsIntoAStore() throws Exception {
        Path file = dir.resolve("docker.tar");
        try (OutputStream o = Files.newOutputStream(file)) {
            ImageExport.writeDockerArchive(image, store, o, "base:1");
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        ImageExport.writeDockerArchive(image, store, again, "base:1");
        assertThat(again.toByteArray()).isEqualTo(Files.readAllBytes(file));
        Path copied = dir.resolve("copied");
        run("skopeo", "copy", "docker-archive:" + file, "oci:" + copied + ":x");
        // a layout written by skopeo, read back by OciLayout, stored by putImage
        Image back = OciLayout.open(copied).image(Optional.of("x"), Platform.parse("linux/amd64"));
        assertThat(back.config().diffIds()).isEqualTo(image.config().diffIds());
        Store other = Store.open(dir.resolve("other"));
        Descriptor m = other.putImage(back);
        assertThat(other.image(m).layers().get(0).diffId())
                .isEqualTo(image.layers().get(0).diffId());
        try (var l = Files.list(store.root().resolve("tmp"))) {
            assertThat(l.count()).as("export temp files").isZero();
        }
    }

    @Test
    void layoutWithANestedIndexIsResolvedByPlatform() throws Exception {
        Path layout = dir.resolve("multi");
        ImageExport.writeOciLayout(image, store, layout, "");
        Descriptor m = image.manifest().descriptor().withPlatform(Platform.parse("linux/amd64"));
        Index nested = Index.of(MediaType.OCI_INDEX, List.of(m), Map.of());
        Files.write(layout.resolve("blobs/sha256").resolve(nested.digest().hex()), nested.bytes());
        Index top = Index.of(
                MediaType.OCI_INDEX,
                List.of(nested.descriptor().withAnnotations(Map.of(Store.REF_NAME, "multi"))),
                Map.of());
        Files.write(layout.resolve("index.json"), top.bytes());
        OciLayout l = OciLayout.open(layout);
        assertThat(l.image(Optional.empty(), Platform.parse("linux/amd64")).manifest())
                .isEqualTo(image.manifest());
        assertThat(l.image(Optional.of("multi"), Platform.parse("linux/amd64")).layers())
                .hasSize(1);
        assertThatThrownBy(() -> l.image(Optional.empty(), Platform.parse("linux/arm64")))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("linux/amd64");
        assertThatThrownBy(() -> l.image(Optional.of("nope"), Platform.parse("linux/amd64")))
                .hasMessageContaining("no image tagged 'nope'")
                .hasMessageContaining("multi");
    }

    @Test
    void resolveSplitsDirectoryAndTagEvenWhenTheTagHoldsColons() throws Exception {
        Path layout = dir.resolve("with:colon");
        ImageExport.writeOciLayout(image, store, layout, "demo/base:1");
        Platform p = Platform.parse("linux/amd64");
        assertThat(OciLayout.resolve(layout + ":demo/base:1", p).manifest()).isEqualTo(image.manifest());
        assertThat(OciLayout.resolve(layout.toString(), p).manifest()).isEqualTo(image.manifest());
        assertThatThrownBy(() -> OciLayout.resolve(layout + ":other", p)).hasMessageContaining("demo/base:1");
    }

    @Test
    void aTamperedManifestInALayoutIsRefused() throws Exception {
        Path layout = dir.resolve("tampered");
        ImageExport.writeOciLayout(image, store, layout, "t");
        Path m =
                layout.resolve("blobs/sha256").resolve(image.manifest().digest().hex());
        Files.writeString(m, Files.readString(m).replace("\"size\"", "\"size\" "));
        assertThatThrownBy(() -> OciLayout.open(layout).image(Optional.of("t"), Platform.parse("linux/amd64")))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining("does not match its digest");
    }

    @Test
    void layoutMadeByUmoci() throws Exception {
        Path layout = dir.resolve("umoci");
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", layout + ":empty");
        Image img = OciLayout.open(layout).image(Optional.of("empty"), Platform.host());
        assertThat(img.layers()).isEmpty();
        assertThat(img.config().platform().os()).isEqualTo("linux");
    }

    @Test
    void notALayoutIsAnInputError() {
        assertThatThrownBy(() -> OciLayout.open(dir))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
                .hasMessageContaining("not an OCI image layout");
    }

    @Test
    void aLayerDeletedFromTheStoreIsAClearErrorNamingTheBlob() throws Exception {
        Files.delete(store.blobPath(image.layers().get(0).descriptor().digest()));
        assertThatThrownBy(() -> ImageExport.writeOciArchive(image, store, OutputStream.nullOutputStream(), "x"))
                .isInstanceOfSatisfying(
                        StrataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                .hasMessageContaining(
                        image.layers().get(0).descriptor().digest().toString())
                .hasMessageContaining("strata prune");
    }

    @Test
    void aCorruptLayerIsRefusedOnExport() throws Exception {
        Path blob = store.blobPath(image.layers().get(0).descriptor().digest());
        byte[] b = Files.readAllBytes(blob);
        b[b.length / 2] ^= 0x55;
        Files.write(blob, b);
        assertThatThrownBy(() -> ImageExport.writeDockerArchive(image, store, OutputStream.nullOutputStream(), "x:1"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining(
                        image.layers().get(0).descriptor().digest().toString());
    }
}
