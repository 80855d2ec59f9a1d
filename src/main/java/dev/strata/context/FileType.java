package dev.strata.context;

/** The kinds of filesystem entries a build context or a COPY carries. */
public enum FileType {
    REGULAR,
    DIRECTORY,
    SYMLINK;

    /** A single letter used in digests ('f', 'd', 'l'), stable across releases. */
    char code() {
        return switch (this) {
            case REGULAR -> 'f';
            case DIRECTORY -> 'd';
            case SYMLINK -> 'l';
        };
    }
}
