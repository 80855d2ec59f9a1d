package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.exec.BusyboxRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A store holding test/busybox:latest (imported with `strata import`, as the quickstart does) and a
 * build context whose RUN step sleeps for the build arg NAP after writing a file, so a test can
 * interrupt a build while its RUN step runs.
 */
final class BusyboxStore {
    static final String DOCKERFILE = """
            FROM test/busybox:latest
            COPY a.txt /a.txt
            ARG NAP=0
            RUN echo made > /made.txt && sleep $NAP
            COPY b.txt /b.txt
            """;

    private BusyboxStore() {}

    /** Imports the base into {@code home}; returns the context dir (next to it). */
    static Path create(Path home, Path rootfsTar) throws Exception {
        StrataProcess.Result imp = StrataProcess.run(home, "import", rootfsTar.toString(), "-t", "test/busybox:latest");
        assertThat(imp.code()).as(imp.out()).isZero();
        Path ctx = Files.createDirectories(home.resolveSibling(home.getFileName() + "-ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(ctx.resolve("a.txt"), "a\n");
        Files.writeString(ctx.resolve("b.txt"), "b\n");
        return ctx;
    }

    /** A busybox rootfs tar made from the host's busybox-static. */
    static Path rootfsTar(Path dir) throws Exception {
        Path root = BusyboxRootfs.create(dir.resolve("busybox-rootfs"));
        Path tar = dir.resolve("busybox.tar");
        Process p = new ProcessBuilder(
                        "tar",
                        "--sort=name",
                        "--mtime=@0",
                        "--owner=0",
                        "--group=0",
                        "--numeric-owner",
                        "-C",
                        root.toString(),
                        "-cf",
                        tar.toString(),
                        ".")
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }

    /** A sleep length no other run on this machine uses, to find exactly this build's RUN process. */
    static String uniqueNap() {
        return Long.toString(100000 + new SecureRandom().nextInt(900000));
    }
}
