package dev.strata.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mounts a throw-away overlay in a scratch dir under the store (the file system RUN steps use),
 * inside a private mount namespace: the kernel, the file system under the store (overlay on
 * overlay), a user namespace (5.11+, {@code userxattr}) and LSMs all decide, so only trying tells.
 * {@code STRATA_OVERLAY=off} forces the answer "refused", to exercise the copying fallback on a
 * machine where overlayfs works (docs/exec.md).
 */
final class OverlayTrial {
    /** The environment variable that forces "overlayfs unavailable" when set to {@code off}. */
    static final String FORCE_OFF = "STRATA_OVERLAY";

    private OverlayTrial() {}

    /** Whether {@code STRATA_OVERLAY=off} is set. */
    static boolean forcedOff() {
        return "off".equals(System.getenv(FORCE_OFF));
    }

    /**
     * Why an overlay does not mount under {@code workDir}, or empty when it does.
     *
     * @param prefix    the command that makes the mount namespace (and, for doctor, a user one)
     * @param userxattr whether the mount is made in a user namespace (markers as user.overlay.*)
     */
    static Optional<String> refused(Path workDir, List<String> prefix, boolean userxattr) {
        if (forcedOff()) {
            return Optional.of(FORCE_OFF + "=off is set");
        }
        Path dir;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory(workDir, "overlay-trial-");
            for (String d : List.of("l", "u", "w", "m")) {
                Files.createDirectory(dir.resolve(d));
            }
        } catch (IOException e) {
            return Optional.of("cannot make a scratch dir under " + workDir + ": " + e.getMessage());
        }
        try {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(
                    "mount",
                    "-t",
                    "overlay",
                    "overlay",
                    "-o",
                    "lowerdir=" + dir.resolve("l") + ",upperdir=" + dir.resolve("u") + ",workdir=" + dir.resolve("w")
                            + (userxattr ? ",userxattr" : ""),
                    dir.resolve("m").toString()));
            Trial t = Trial.run(cmd);
            return t.ok() ? Optional.empty() : Optional.of(t.why());
        } finally {
            Tree.delete(dir);
        }
    }
}
