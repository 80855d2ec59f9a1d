package dev.strata.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The never-committed layer on top of the lower dirs: empty mount-point stubs (/proc, /etc/hosts,
 * the workdir, RUN --mount targets) where the rootfs lacks them, so neither the runtime nor the
 * kernel creates them in the upper dir. Parent dirs that exist below get the lower dir's mode,
 * owner and mtime, because a later copy-up copies the init layer's attributes into the layer.
 */
final class InitLayer {
    private final Path root;
    private final RootfsView view;
    private final Map<Path, FileTime> mtimes = new LinkedHashMap<>();

    InitLayer(Path root, RootfsView view) {
        this.root = root;
        this.view = view;
    }

    /** Ensures {@code path} exists in the merged tree; returns it with symlinks resolved in the rootfs. */
    String stub(String path, boolean directory) {
        String real = view.realPath(path);
        if (real.equals("/") || view.find(real).isPresent()) {
            return real;
        }
        try {
            List<String> comps = new ArrayList<>(List.of(real.substring(1).split("/")));
            Path host = root;
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < comps.size(); i++) {
                prefix.append('/').append(comps.get(i));
                host = host.resolve(comps.get(i));
                boolean leaf = i == comps.size() - 1;
                if (Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (leaf && !directory) {
                    Files.createFile(host);
                    continue;
                }
                Files.createDirectory(host);
                Optional<Path> below = leaf ? Optional.empty() : view.find(prefix.toString());
                if (below.isPresent() && Files.isDirectory(below.get(), LinkOption.NOFOLLOW_LINKS)) {
                    copyAttributes(below.get(), host);
                } else {
                    Files.setAttribute(host, "unix:mode", 0755);
                }
            }
            return real;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restores the copied mtimes, which creating children changed; call after the last stub. */
    void finish() {
        List<Map.Entry<Path, FileTime>> entries = new ArrayList<>(mtimes.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            try {
                Files.setLastModifiedTime(
                        entries.get(i).getKey(), entries.get(i).getValue());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void copyAttributes(Path from, Path to) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:uid", a.get("uid"));
        Files.setAttribute(to, "unix:gid", a.get("gid"));
        Files.setAttribute(to, "unix:mode", ((Integer) a.get("mode")) & 07777);
        mtimes.put(to, (FileTime) a.get("lastModifiedTime"));
    }
}
