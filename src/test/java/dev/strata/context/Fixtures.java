package dev.strata.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Small helpers shared by the context tests: real files in temp dirs, no mocks. */
final class Fixtures {
    static final FileTime T1 = FileTime.fromMillis(1_600_000_000_000L);

    private Fixtures() {}

    static Path file(Path root, String rel, String content, int mode) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setAttribute(p, "unix:mode", mode);
        Files.setLastModifiedTime(p, T1);
        return p;
    }

    static Path dir(Path root, String rel, int mode) throws Exception {
        Path p = Files.createDirectories(root.resolve(rel));
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    /** A typical context: files, a script, nested dirs, a symlink, a monorepo layout. */
    static BuildContext context(Path ctx) throws Exception {
        file(ctx, "a.txt", "alpha\n", 0644);
        file(ctx, "b.txt", "bravo\n", 0600);
        file(ctx, "run.sh", "#!/bin/sh\n", 0755);
        file(ctx, "dir/x.txt", "x\n", 0644);
        file(ctx, "dir/sub/y.txt", "y\n", 0640);
        Files.createSymbolicLink(ctx.resolve("dir/link"), Path.of("x.txt"));
        dir(ctx, "dir", 0750);
        file(ctx, "pkgs/p1/package.json", "{}", 0644);
        file(ctx, "pkgs/p2/package.json", "{}", 0644);
        file(ctx, "pkgs/p2/src/i.js", "1", 0644);
        Files.createSymbolicLink(ctx.resolve("evil"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(ctx.resolve("up"), Path.of("../../../../../../etc"));
        return BuildContext.open(ctx, DockerIgnore.none());
    }

    /** A small image rootfs with users, an existing dir and a /lib -> usr/lib symlink. */
    static ImageView image(Path root) throws Exception {
        file(root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n", 0644);
        file(root, "etc/group", "root:x:0:\nstaff:x:50:app\n", 0644);
        dir(root, "usr/lib", 0755);
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        dir(root, "existing", 0700);
        Files.setAttribute(root.resolve("existing"), "unix:uid", 5);
        return ImageView.ofRoot(root);
    }

    static Map<String, CopyEntry> byDest(CopyPlan plan) {
        return plan.entries().stream()
                .collect(Collectors.toMap(CopyEntry::dest, e -> e, (a, b) -> b, LinkedHashMap::new));
    }

    static Optional<CopyEntry> at(CopyPlan plan, String dest) {
        return Optional.ofNullable(byDest(plan).get(dest));
    }
}
