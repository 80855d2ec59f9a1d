package dev.strata.engine;

import dev.strata.context.ContextEntry;
import dev.strata.context.FileType;
import dev.strata.context.ImageView;
import dev.strata.exec.RootfsView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The image a COPY writes into, as the context package asks for it ({@link ImageView}): the
 * unpacked layers read through {@link RootfsView} (whiteouts, opaque dirs, symlinks inside the
 * rootfs), without mounting anything. Enough for COPY's questions (does the destination exist, and
 * as what; /etc/passwd and /etc/group for --chown).
 */
final class LayeredView implements ImageView {
    private final RootfsView view;

    LayeredView(List<Path> lowerDirs) {
        this.view = RootfsView.of(lowerDirs);
    }

    @Override
    public Optional<ContextEntry> lstat(String absPath) {
        String rel = String.join(
                "/",
                Arrays.stream(absPath.split("/"))
                        .filter(c -> !c.isEmpty() && !c.equals("."))
                        .toList());
        return view.lookup(absPath).flatMap(p -> entry(rel, p));
    }

    @Override
    public Optional<String> readFile(String absPath) {
        return view.read(absPath).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private static Optional<ContextEntry> entry(String rel, Path p) {
        try {
            Map<String, Object> a =
                    Files.readAttributes(p, "unix:mode,uid,gid,ino,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            FileType type = switch (mode & 0170000) {
                case 0040000 -> FileType.DIRECTORY;
                case 0120000 -> FileType.SYMLINK;
                case 0100000 -> FileType.REGULAR;
                default -> null;
            };
            if (type == null) {
                return Optional.empty();
            }
            FileTime t = (FileTime) a.get("lastModifiedTime");
            long nanos = t.toInstant().getEpochSecond() * 1_000_000_000L
                    + t.toInstant().getNano();
            return Optional.of(new ContextEntry(
                    rel,
                    p,
                    type,
                    mode & 07777,
                    type == FileType.REGULAR ? (Long) a.get("size") : 0,
                    nanos,
                    (Integer) a.get("uid"),
                    (Integer) a.get("gid"),
                    (Long) a.get("ino"),
                    type == FileType.SYMLINK
                            ? Optional.of(Files.readSymbolicLink(p).toString())
                            : Optional.empty()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
