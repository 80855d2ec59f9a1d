package dev.strata.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Recursive delete that never follows symlinks and tolerates a concurrent deleter (Ctrl-C hook);
 * the engine uses it for its scratch directories too.
 */
public final class Tree {
    private Tree() {}

    /** Deletes {@code root} and everything below it; best effort, returns whether it is gone. */
    public static boolean delete(Path root) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                        if (exc instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw exc;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // someone else removed part of it under us, or a file is busy: look again
            }
        }
        return !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }
}
