package dev.strata.cli;

import java.nio.file.Path;

/** Where the local store lives: $STRATA_HOME, else ~/.local/share/strata. */
final class StoreHome {
    private StoreHome() {
    }

    static Path resolve() {
        String env = System.getenv("STRATA_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "strata");
    }
}
