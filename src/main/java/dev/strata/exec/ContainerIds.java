package dev.strata.exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of RUN containers (their runtime state under /run/crun or /run/runc, and their cgroup):
 * {@code strata-OWNER-RANDOM}, where OWNER is a short hash of the directory whose steps they are (a
 * store's tmp/ for builds). Those dirs are machine-wide, so the owner part lets a check of one
 * store's leftovers ignore what other stores' builds run at the same time.
 */
public final class ContainerIds {
    private ContainerIds() {}

    /** {@code strata-OWNER-}: the start of every container id of steps owned by {@code dir}. */
    public static String prefix(Path dir) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "strata-" + HexFormat.of().formatHex(h, 0, 5) + "-";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
