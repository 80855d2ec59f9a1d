package dev.strata.archive;

import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A layer's skeleton: the same tar entries in the same order (path, type, mode, uid/gid, mtime in
 * seconds, xattrs and other PAX records, link targets, hardlinks, whiteouts, opaque markers) with the
 * content of every regular file dropped, except the small files a COPY reads ({@code /etc/passwd},
 * {@code /etc/group} for {@code --chown} names). A COPY or WORKDIR that misses on top of layers still
 * in a registry answers its questions about the image below from skeletons, so it downloads kilobytes
 * instead of the image.
 *
 * <p>Made from the entries alone, never from how they were read or written, so the writer of a layer,
 * the unpacker of it and {@link #of} give the same bytes; gzip's header is fixed (no name, no time).
 */
public final class LayerSkeleton implements Closeable {
    /** The files whose content a COPY reads from the image below it. */
    private static final Set<String> KEPT = Set.of("etc/passwd", "etc/group");

    private final TarArchiveOutputStream tar;
    private boolean finished;

    private LayerSkeleton(OutputStream out) throws IOException {
        this.tar = new TarArchiveOutputStream(new GZIPOutputStream(out, 1 << 16), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** A skeleton written to {@code out} (gzip); {@link #finish()} completes it, {@link #close()} closes {@code out}. */
    public static LayerSkeleton writingTo(OutputStream out) {
        try {
            return new LayerSkeleton(out);
        } catch (IOException e) {
            throw StrataException.environment("cannot start a layer skeleton: " + e.getMessage(), e);
        }
    }

    /** True for an entry name whose content the skeleton keeps ({@code ./etc/passwd}, {@code etc/group}, ...). */
    static boolean keepsContent(String entryName) {
        String n = entryName;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        return KEPT.contains(n);
    }

    /** True when {@code e} is a regular file (not a link) whose content goes into the skeleton. */
    static boolean keepsContent(TarArchiveEntry e) {
        return e.isFile() && !e.isLink() && keepsContent(e.getName());
    }

    /**
     * Adds the skeleton of one entry of the layer; {@code content} is the entry's bytes when
     * {@link #keepsContent(TarArchiveEntry)}, ignored otherwise.
     */
    void add(TarArchiveEntry e, byte[] content) throws IOException {
        TarArchiveEntry t = new TarArchiveEntry(e.getName(), e.getLinkFlag(), true);
        t.setMode(e.getMode());
        t.setUserId(e.getLongUserId());
        t.setGroupId(e.getLongGroupId());
        t.setUserName("");
        t.setGroupName("");
        t.setModTime(FileTime.from(Math.floorDiv(e.getModTime().getTime(), 1000L), TimeUnit.SECONDS));
        if (e.isSymbolicLink() || e.isLink()) {
            t.setLinkName(e.getLinkName());
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            t.setDevMajor(e.getDevMajor());
            t.setDevMinor(e.getDevMinor());
        }
        // sorted: a writer and a reader may hold the same records in different map orders
        for (Map.Entry<String, String> x : new TreeMap<>(e.getExtraPaxHeaders()).entrySet()) {
            t.addPaxHeader(x.getKey(), x.getValue());
        }
        boolean kept = keepsContent(e);
        t.setSize(kept ? content.length : 0);
        tar.putArchiveEntry(t);
        if (kept) {
            tar.write(content);
        }
        tar.closeArchiveEntry();
    }

    /** Writes the end of the tar and the gzip trailer; the skeleton is complete after this. */
    public void finish() {
        try {
            if (!finished) {
                finished = true;
                tar.finish();
                tar.flush();
                tar.close();
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot finish a layer skeleton: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        finish();
    }

    /**
     * The skeleton of a layer blob (gzip, zstd or plain tar) written to {@code out}, in one read of the
     * blob; returns the layer's diffID as read, for the caller to check against the one it expects.
     */
    public static Digest of(InputStream blob, OutputStream out, String what) {
        try (LayerSkeleton s = writingTo(out)) {
            return LayerExtractor.readDigesting(blob, what, in -> {
                TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    s.add(e, keepsContent(e) ? tar.readAllBytes() : new byte[0]);
                }
            });
        }
    }
}
