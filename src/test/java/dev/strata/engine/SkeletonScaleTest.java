package dev.strata.engine;

import static dev.strata.engine.StrataProcess.strata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.engine.StrataProcess.Run;
import dev.strata.store.Store;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A COPY that misses on top of a 40,000-file base still in the registry reads the base's skeleton
 * in memory: the job creates a few hundred files (its store), not one per file of the base, and
 * writes the layer an all-local build writes. Files created are counted by strace, as the kernel saw them.
 */
class SkeletonScaleTest extends RegistryScenario {
    private static final int FILES = 40_000;
    /** A create: open(at) with O_CREAT, mkdir, mknod, symlink, link, that succeeded. */
    private static final Pattern CREATE =
            Pattern.compile("(open(at)?\\(.*O_CREAT|mkdir(at)?\\(|mknod(at)?\\(|symlink(at)?\\(|link(at)?\\()");

    /** A base of FILES empty files in 200 directories, plus /etc/passwd and /etc/group, pushed as HOST/big:1. */
    private void pushBigBase() throws Exception {
        Path tar = tmp.resolve("big.tar");
        try (OutputStream out = Files.newOutputStream(tar);
                TarArchiveOutputStream t = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            dir(t, "etc/");
            file(t, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
            file(t, "etc/group", "root:x:0:\napp:x:1000:\n");
            dir(t, "usr/");
            dir(t, "usr/lib/");
            for (int d = 0; d < 200; d++) {
                dir(t, "usr/lib/d" + d + "/");
                for (int f = 0; f < FILES / 200; f++) {
                    file(t, "usr/lib/d" + d + "/f" + f + ".py", "");
                }
            }
        }
        Path setup = tmp.resolve("big-setup");
        Run imp = strata(setup, "import", tar.toString(), "-t", "big:1");
        assertThat(imp.code()).as(imp.out()).isZero();
        Run push = strata(setup, "push", "big:1", host + "/big:1");
        assertThat(push.code()).as(push.out()).isZero();
    }

    private static void dir(TarArchiveOutputStream t, String name) throws Exception {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream t, String name, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(b.length);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
    }

    private Path context(String name, String version) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(
                ctx.resolve("Dockerfile"),
                "FROM " + host + "/big:1\nCOPY --chown=app:app a.txt /usr/lib/d7/new/a.txt\nWORKDIR /srv/app\n");
        Files.writeString(ctx.resolve("a.txt"), version + "\n");
        return ctx;
    }

    /** strata under strace on STRATA_HOME {@code home}; returns the number of files and directories it created. */
    private long createsOf(Path home, String... args) throws Exception {
        Path trace = tmp.resolve(home.getFileName() + ".strace");
        List<String> cmd = new ArrayList<>(List.of(
                "strace",
                "-f",
                "-qq",
                "-o",
                trace.toString(),
                "-e",
                "trace=open,openat,creat,mkdir,mkdirat,mknod,mknodat,symlink,symlinkat,link,linkat",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment()
                .put("HOME", home.resolveSibling(home.getFileName() + "-home").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        try (var lines = Files.lines(trace)) {
            return lines.filter(l -> CREATE.matcher(l).find() && !l.contains("= -1 "))
                    .count();
        }
    }

    @Test
    void aCopyMissOnAFortyThousandFileRemoteBaseCreatesNoFilePerBaseFile() throws Exception {
        pushBigBase();
        String cache = host + "/big:cache";
        String[] epoch = {"--build-arg", "SOURCE_DATE_EPOCH=1700000000"};
        Job one = job(
                "big-1",
                context("big1", "v1"),
                epoch[0],
                epoch[1],
                "--cache-to",
                "type=registry,ref=" + cache + ",mode=max");
        assertThat(one.hits()).isZero();
        Path ctx2 = context("big2", "v2");
        // an all-local build of v2 on the first runner: the layers it writes are read from real layers
        Job local = job("big-1", ctx2, epoch[0], epoch[1], "--no-cache", "-t", "big:v2");

        Path fresh = tmp.resolve("home-big-fresh");
        long creates = createsOf(
                fresh,
                "build",
                "--progress=plain",
                epoch[0],
                epoch[1],
                "--cache-from",
                cache,
                "-t",
                "big:v2",
                ctx2.toString());
        assertThat(creates).as("files and directories created by the job").isLessThan(FILES / 10);
        // the very image the all-local build made, layer for layer
        assertThat(Store.open(fresh)
                        .image("big:v2")
                        .orElseThrow()
                        .manifest()
                        .digest()
                        .toString())
                .isEqualTo(local.manifest());
    }
}
