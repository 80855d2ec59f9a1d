package dev.strata.progress;

import java.util.Locale;

/** Which way a blob's bytes move: into the store, to a registry, or into an exported cache. */
public enum Transfer {
    PULL,
    PUSH,
    EXPORT;

    /** "pull", "push", "export": the word plain and json output use. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
