package dev.strata.cli;

import java.nio.file.Path;

/** Where the local store lives: $STRATA_HOME, else ~/.local/share/strata. */
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
        return Path.of(System.getProperty("user.home"), ".local", "share", "strata");
    }
}
