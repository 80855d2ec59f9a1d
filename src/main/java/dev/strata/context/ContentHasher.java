package dev.strata.context;

import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content digests of files and of file sets, for cache keys. A file's sha256 is remembered by
 * (path, size, mtime, inode) for the life of this object, so one build hashes each file once; the
 * digests themselves never include mtimes, absolute paths or host owners.
 */
public final class ContentHasher {
    private record Key(Path file, long size, long mtimeNanos, long inode) {}

    private final ConcurrentHashMap<Key, Digest> cache = new ConcurrentHashMap<>();

    /** The sha256 of a regular file's bytes, cached by its identity on disk. */
    public Digest fileDigest(ContextEntry e) {
        return fileDigest(e.file(), e.size(), e.mtimeNanos(), e.inode());
    }

    /** The sha256 of a regular file's bytes, cached by (path, size, mtime, inode). */
    public Digest fileDigest(Path file, long size, long mtimeNanos, long inode) {
        return cache.computeIfAbsent(new Key(file, size, mtimeNanos, inode), k -> hash(k.file()));
    }

    /** How many distinct file digests are cached. */
    public int cachedFiles() {
        return cache.size();
    }

    /** Hashes a file's bytes (no cache). */
    public static Digest hash(Path file) {
        MessageDigest md = Digest.newSha256();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw StrataException.input("cannot read " + file + " to compute its digest: " + e.getMessage(), e);
        }
        return Digest.finish("sha256", md);
    }

    /**
     * The digest of a set of entries: over their sorted relative paths, types, permission bits,
     * symlink targets and content digests. Changing a name, a byte or a mode changes it; changing an
     * mtime or a host owner does not.
     */
    public Digest digest(List<ContextEntry> entries) {
        List<ContextEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ContextEntry::path));
        // file opens dominate for many small files: hash them on all cores first, then fold in order
        sorted.parallelStream().filter(e -> e.type() == FileType.REGULAR).forEach(this::fileDigest);
        MessageDigest md = Digest.newSha256();
        for (ContextEntry e : sorted) {
            String content = e.type() == FileType.REGULAR ? fileDigest(e).toString() : "";
            line(md, e.path(), e.type(), e.mode(), e.linkTarget().orElse(""), content);
        }
        return Digest.finish("sha256", md);
    }

    /** Appends one length-prefixed record so no two different sets can collide by concatenation. */
    static void line(MessageDigest md, String path, FileType type, int mode, String target, String content) {
        StringBuilder b = new StringBuilder();
        for (String field :
                new String[] {path, String.valueOf(type.code()), Integer.toOctalString(mode), target, content}) {
            b.append(field.length()).append(':').append(field).append(';');
        }
        md.update(b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }
}
