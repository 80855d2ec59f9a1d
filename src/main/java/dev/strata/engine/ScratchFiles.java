package dev.strata.engine;

import dev.strata.error.StrataException;
import dev.strata.exec.Tree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File chores on the build's scratch space that several steps share. */
final class ScratchFiles {
    private ScratchFiles() {}

    static void setMode(Path p, int mode) {
        try {
            Files.setAttribute(p, "unix:mode", mode);
        } catch (IOException e) {
            throw StrataException.environment("cannot chmod " + p + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root} and everything below it (symlinks not followed); fails if it stays. */
    static void deleteTree(Path root) {
        if (!Tree.delete(root)) {
            throw new UncheckedIOException(new IOException("cannot remove " + root));
        }
    }
}
