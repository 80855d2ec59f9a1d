package dev.strata.engine;

import dev.strata.archive.LayerExtractor;
import dev.strata.archive.WhiteoutMode;
import dev.strata.exec.Leaks;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.History;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.progress.BuildDone;
import dev.strata.progress.Notice;
import dev.strata.progress.ProgressListener;
import dev.strata.progress.StepCached;
import dev.strata.progress.StepDone;
import dev.strata.progress.StepFailed;
import dev.strata.progress.StepLog;
import dev.strata.progress.StepStarted;
import dev.strata.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.Assertions;

/**
 * A store with a busybox base image made from busybox-static (like the quickstart's `strata import`),
 * a context directory, builds, and unpacking of results for checks.
 */
final class BuildFixture {
    static final String BASE = "test/busybox:latest";
    final Path dir;
    final Store store;
    final Path context;
    /** Events of the last build as text: "cached 3", "done 4", "log 2 hello", "started 1 RUN ...". */
    final List<String> events = new ArrayList<>();

    BuildFixture(Path dir) throws IOException {
        this(dir, Store.open(dir.resolve("store")));
    }

    BuildFixture(Path dir, Store store) throws IOException {
        this.dir = dir;
        this.store = store;
        this.context = Files.createDirectories(dir.resolve("ctx"));
    }

    /** Writes the context: the Dockerfile and {@code files} (relative path → content). */
    BuildFixture files(String dockerfile, Map<String, String> files) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        for (var e : files.entrySet()) {
            Path p = context.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
        }
        return this;
    }

    BuildResult build(String... tags) {
        return build(BuildRequest.builder(context).tags(List.of(tags)).build());
    }

    BuildResult build(BuildRequest request) {
        events.clear();
        ProgressListener l = e -> {
            if (e instanceof StepStarted s) {
                events.add("started " + s.id() + " " + s.instruction());
            } else if (e instanceof StepLog s) {
                events.add("log " + s.id() + " " + s.line());
            } else if (e instanceof StepCached s) {
                events.add("cached " + s.id());
            } else if (e instanceof StepDone s) {
                events.add("done " + s.id());
            } else if (e instanceof StepFailed s) {
                events.add("failed " + s.id());
            } else if (e instanceof Notice n) {
                events.add("notice " + n.text());
            } else if (e instanceof BuildDone) {
                events.add("finished");
            }
        };
        return Engine.build(request, store, l);
    }

    /** Puts the busybox base image into the store as {@link #BASE}. */
    BuildFixture withBusybox() throws Exception {
        importBusybox(store, dir.resolve("busybox-rootfs"));
        return this;
    }

    static void importBusybox(Store store, Path rootfs) throws Exception {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.setAttribute(rootfs.resolve("tmp"), "unix:mode", 01777);
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Process list = new ProcessBuilder("/bin/busybox", "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(rootfs.resolve("bin/" + applet.strip()), Path.of("busybox"));
            }
        }
        list.waitFor();
        Files.writeString(
                rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:\n");
        Path tar = rootfs.resolveSibling("busybox.tar");
        Process p = new ProcessBuilder(
                        "tar",
                        "--sort=name",
                        "--mtime=@0",
                        "--owner=0",
                        "--group=0",
                        "--numeric-owner",
                        "-C",
                        rootfs.toString(),
                        "-cf",
                        tar.toString(),
                        ".")
                .inheritIO()
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("tar failed");
        }
        byte[] raw = Files.readAllBytes(tar);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw);
        }
        Descriptor layer = store.putBlob(MediaType.OCI_LAYER_GZIP, gz.toByteArray());
        ContainerConfig cc = new ContainerConfig(
                "",
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                Optional.empty(),
                Optional.of(List.of("sh")),
                "",
                Map.of(),
                new TreeSet<>(),
                new TreeSet<>(),
                "",
                Optional.empty(),
                List.of(),
                List.of(),
                false);
        ImageConfig cfg = new ImageConfig(
                Optional.of("1970-01-01T00:00:00Z"),
                Optional.empty(),
                Platform.host(),
                cc,
                List.of(Digest.sha256(raw)),
                List.of(History.of("import busybox", false)));
        Descriptor c = store.putBlob(MediaType.OCI_CONFIG, cfg.toBytes());
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, c, List.of(layer), Map.of());
        Descriptor md = store.putBlob(MediaType.OCI_MANIFEST, m.bytes());
        store.tag("test/busybox:latest", "docker.io/test/busybox:latest", md);
    }

    /** The image's filesystem, every layer applied in order (whiteouts delete). */
    Path unpack(Image image, String name) throws IOException {
        Path out = Files.createDirectories(dir.resolve("unpacked-" + name));
        for (Layer l : image.layers()) {
            try (InputStream in = l.open()) {
                LayerExtractor.extract(
                        in, out, WhiteoutMode.APPLY, "layer " + l.descriptor().digest());
            }
        }
        return out;
    }

    /** Fails when a build left a mount below {@code dir} (tests run this after each build test). */
    static void assertNothingMountedUnder(Path dir) throws IOException {
        String mounts = Files.readString(Path.of("/proc/mounts"));
        if (mounts.contains(dir.toString())) {
            throw new AssertionError("mounts left under " + dir + ":\n" + mounts);
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** Fails when RUN steps left runtime state, cgroups or scratch dirs ({@code storeTmp} not empty). */
    static void assertNoRunLeftovers(Path storeTmp) throws IOException {
        Assertions.assertThat(Leaks.of(storeTmp)).isEmpty();
    }
}
