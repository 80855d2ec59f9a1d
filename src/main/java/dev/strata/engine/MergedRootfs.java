package dev.strata.engine;

import dev.strata.error.StrataException;
import dev.strata.store.TempNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The merged filesystem of some unpacked layers, readable as one directory: nothing for none, the
 * layer itself for one, else a read-only overlay mount (the kernel applies the whiteouts). Closing
 * unmounts. Used for COPY's view of the image (--chown names, existing dirs) and COPY --from.
 */
final class MergedRootfs implements AutoCloseable {
    private final Optional<Path> root;
    private final Optional<Path> mountPoint;
    private final Set<Path> active;

    private MergedRootfs(Optional<Path> root, Optional<Path> mountPoint, Set<Path> active) {
        this.root = root;
        this.mountPoint = mountPoint;
        this.active = active;
        mountPoint.ifPresent(active::add);
    }

    /**
     * {@code lowerDirs} base first; {@code scratch} is a directory for the mount point; the mount is
     * kept in {@code active} while open, so an interrupted build can still unmount it.
     */
    static MergedRootfs open(List<Path> lowerDirs, Path scratch, Set<Path> active) {
        if (lowerDirs.isEmpty()) {
            return new MergedRootfs(Optional.empty(), Optional.empty(), active);
        }
        if (lowerDirs.size() == 1) {
            return new MergedRootfs(Optional.of(lowerDirs.get(0)), Optional.empty(), active);
        }
        try {
            // the pid in the name lets prune unmount it should strata be killed with it mounted
            Path mnt = Files.createTempDirectory(scratch, TempNames.prefix("merged"));
            // overlay lists the top layer first; relative names keep the option string short
            Path base = lowerDirs.get(0).getParent();
            List<String> names = new ArrayList<>();
            for (int i = lowerDirs.size() - 1; i >= 0; i--) {
                Path l = lowerDirs.get(i);
                names.add(
                        l.getParent().equals(base)
                                ? l.getFileName().toString()
                                : l.toAbsolutePath().toString());
            }
            String opts = "ro,lowerdir=" + String.join(":", names) + ",redirect_dir=off,metacopy=off,index=off";
            run(base, List.of("mount", "-t", "overlay", "overlay", "-o", opts, mnt.toString()), "mount the layers");
            return new MergedRootfs(Optional.of(mnt), Optional.of(mnt), active);
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot create a mount point under " + scratch + ": " + e.getMessage(), e);
        }
    }

    /** The merged tree; empty when there are no layers. */
    Optional<Path> root() {
        return root;
    }

    @Override
    public void close() {
        if (mountPoint.isPresent()) {
            unmount(mountPoint.get());
            active.remove(mountPoint.get());
        }
    }

    /**
     * Unmounts and removes a mount point made by {@link #open}. On Ctrl-C the build's cleanup runs
     * while a COPY may still read files through the view: then the mount is busy, and is detached
     * lazily (gone from the mount table at once, freed when the last file closes, at exit at latest).
     */
    static void unmount(Path mnt) {
        {
            try {
                run(mnt.getParent(), List.of("umount", mnt.toString()), "unmount the layers");
            } catch (StrataException busy) {
                run(mnt.getParent(), List.of("umount", "-l", mnt.toString()), "unmount the layers");
            }
            try {
                Files.deleteIfExists(mnt);
            } catch (IOException ignored) {
                // an empty directory under the build's scratch dir, removed with it
            }
        }
    }

    private static void run(Path cwd, List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(cwd.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw StrataException.environment("cannot " + what + " ("
                        + String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + "...): " + out
                        + "; strata needs root and overlayfs for multi-layer COPY");
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while trying to " + what);
        }
    }
}
