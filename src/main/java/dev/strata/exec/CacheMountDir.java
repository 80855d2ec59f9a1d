package dev.strata.exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the directory of a {@code type=cache} mount id lives under a cache root: the id made safe for
 * a file name (at most 40 characters) and a hash of the whole id, so two ids never share one.
 */
public final class CacheMountDir {
    private CacheMountDir() {}

    /** The directory of mount {@code id} under {@code root}. */
    public static Path of(Path root, String id) {
        return root.resolve(name(id));
    }

    /** The directory's file name. */
    public static String name(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
            return (safe.length() > 40 ? safe.substring(0, 40) : safe) + "-"
                    + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
