package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Digests change exactly when content, mode or names change; never for mtimes or host owners. */
class ContentHasherTest {
    @TempDir
    Path tmp;

    private Digest setDigest(Path ctx) {
        return new ContentHasher()
                .digest(BuildContext.open(ctx, DockerIgnore.none()).walk());
    }

    private Digest planDigest(Path ctx) {
        CopyPlan p = CopyPlanner.plan(
                CopyRequest.copy("/app", "."),
                CopySource.context(BuildContext.open(ctx, DockerIgnore.none())),
                ImageView.empty());
        return p.digest(new ContentHasher());
    }

    @Test
    void digestFollowsContentModeAndNamesOnly() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("c"));
        Fixtures.file(ctx, "src/app.py", "print(1)\n", 0644);
        Fixtures.file(ctx, "requirements.txt", "flask\n", 0644);
        Files.createSymbolicLink(ctx.resolve("latest"), Path.of("src/app.py"));
        Digest d0 = setDigest(ctx);
        Digest p0 = planDigest(ctx);
        assertThat(setDigest(ctx)).isEqualTo(d0);

        Files.setLastModifiedTime(ctx.resolve("src/app.py"), FileTime.fromMillis(42));
        Files.setAttribute(ctx.resolve("requirements.txt"), "unix:uid", 4321);
        assertThat(setDigest(ctx)).isEqualTo(d0);
        assertThat(planDigest(ctx)).isEqualTo(p0);

        Files.writeString(ctx.resolve("src/app.py"), "print(2)\n");
        Digest d1 = setDigest(ctx);
        assertThat(d1).isNotEqualTo(d0);
        assertThat(planDigest(ctx)).isNotEqualTo(p0);

        Files.setAttribute(ctx.resolve("src/app.py"), "unix:mode", 0755);
        Digest d2 = setDigest(ctx);
        assertThat(d2).isNotEqualTo(d1);

        Files.move(ctx.resolve("requirements.txt"), ctx.resolve("requirements2.txt"));
        Digest d3 = setDigest(ctx);
        assertThat(d3).isNotEqualTo(d2);

        Files.delete(ctx.resolve("latest"));
        Files.createSymbolicLink(ctx.resolve("latest"), Path.of("requirements2.txt"));
        assertThat(setDigest(ctx)).isNotEqualTo(d3);
    }

    @Test
    void sourceDigestIgnoresDestinationImageAndMtimes() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("s"));
        Fixtures.file(ctx, "app/main.py", "print(1)\n", 0644);
        Fixtures.file(ctx, "app/util.py", "x = 1\n", 0644);
        CopySource src = CopySource.context(BuildContext.open(ctx, DockerIgnore.none()));
        ContentHasher h = new ContentHasher();
        Digest d0 = CopyPlanner.sourceDigest(CopyRequest.copy("/usr/src/app/", "app"), src, h, Optional.empty());
        assertThat(CopyPlanner.sourceDigest(
                        CopyRequest.copy("/elsewhere", "app").withChown("app").withChmod("700"),
                        src,
                        h,
                        Optional.empty()))
                .isEqualTo(d0);
        Files.setLastModifiedTime(ctx.resolve("app/main.py"), FileTime.fromMillis(7));
        assertThat(CopyPlanner.sourceDigest(CopyRequest.copy("/x/", "app"), src, new ContentHasher(), Optional.empty()))
                .isEqualTo(d0);
        assertThat(CopyPlanner.sourceDigest(
                        CopyRequest.copy("/x/", "app").withExcludes("util.py"), src, h, Optional.empty()))
                .isNotEqualTo(d0);
        Files.writeString(ctx.resolve("app/util.py"), "x = 2\n");
        assertThat(CopyPlanner.sourceDigest(CopyRequest.copy("/x/", "app"), src, new ContentHasher(), Optional.empty()))
                .isNotEqualTo(d0);
    }

    @Test
    void sameTreeInAnotherPlaceHasTheSameDigest() throws Exception {
        for (String name : new String[] {"one", "two"}) {
            Fixtures.file(tmp.resolve(name), "a/b.txt", "same", 0600);
        }
        assertThat(setDigest(tmp.resolve("one"))).isEqualTo(setDigest(tmp.resolve("two")));
    }

    @Test
    void cachesByIdentityAndReportsThroughputOnTwentyThousandFiles() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("many"));
        byte[] body = new byte[1024];
        for (int i = 0; i < 20_000; i++) {
            Path d = ctx.resolve("d" + (i / 500));
            if (i % 500 == 0) {
                Files.createDirectories(d);
            }
            body[0] = (byte) i;
            body[1] = (byte) (i >> 8);
            Files.write(d.resolve("f" + i), body);
        }
        ContentHasher hasher = new ContentHasher();
        BuildContext bc = BuildContext.open(ctx, DockerIgnore.none());
        long t0 = System.nanoTime();
        var entries = bc.walk();
        long t1 = System.nanoTime();
        Digest cold = hasher.digest(entries);
        long t2 = System.nanoTime();
        Digest warm = hasher.digest(bc.walk());
        long t3 = System.nanoTime();
        assertThat(warm).isEqualTo(cold);
        assertThat(hasher.cachedFiles()).isEqualTo(20_000);
        double mb = 20_000 * 1024 / 1e6;
        System.out.printf(
                "context digest, 20000 x 1 KiB files: walk %.0f ms, cold hash %.0f ms (%.1f MB/s),"
                        + " walk+warm %.0f ms (%.1f MB/s)%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, mb / ((t2 - t1) / 1e9), (t3 - t2) / 1e6, mb / ((t3 - t2) / 1e9));
        long t4 = System.nanoTime();
        CopyPlan plan = CopyPlanner.plan(CopyRequest.copy("/app/", "."), CopySource.context(bc), ImageView.empty());
        long t5 = System.nanoTime();
        Stager.stage(plan, tmp.resolve("staged"));
        long t6 = System.nanoTime();
        assertThat(plan.entries()).hasSize(20_000 + 40 + 1);
        assertThat(tmp.resolve("staged/app/d39/f19999")).hasSize(1024);
        System.out.printf(
                "COPY . /app/ of the same tree: plan %.0f ms, stage %.0f ms%n", (t5 - t4) / 1e6, (t6 - t5) / 1e6);
    }
}
