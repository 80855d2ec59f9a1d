package dev.strata.cli;

import java.nio.file.Path;

/** Where the local store lives: $STRATA_HOME, else $XDG_DATA_HOME/strata, else ~/.local/share/strata. */
final class StoreHome {
    /** Set only by {@link ClassDataTraining}, which runs commands on temp stores in one JVM and cannot set its environment. */
    static final String TRAINING_PROPERTY = "strata.training.home";

    private StoreHome() {}

    static Path resolve() {
        String training = System.getProperty(TRAINING_PROPERTY);
        if (training != null) {
            return Path.of(training);
        }
        String env = System.getenv("STRATA_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String data = System.getenv("XDG_DATA_HOME");
        if (data != null && data.startsWith("/")) {
            return Path.of(data, "strata");
        }
        // $HOME first: in strata's own user namespace the JVM's user.home is root's passwd entry
        String home = System.getenv("HOME");
        return Path.of(
                home != null && home.startsWith("/") ? home : System.getProperty("user.home"),
                ".local",
                "share",
                "strata");
    }
}
