package dev.strata.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A user's subordinate id range from /etc/subuid or /etc/subgid ({@code name:start:count}, the
 * entry naming the user or their uid), which newuidmap/newgidmap let them map in a user namespace.
 */
record SubIds(long start, long count) {

    /** The first range of {@code user} (or {@code uid}) in {@code file}; empty when there is none. */
    static Optional<SubIds> of(Path file, String user, long uid) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split(":");
                if (f.length == 3 && (f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                    long count = Long.parseLong(f[2]);
                    if (count > 0) {
                        return Optional.of(new SubIds(Long.parseLong(f[1]), count));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
