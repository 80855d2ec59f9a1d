package dev.strata.archive;

import com.github.luben.zstd.ZstdOutputStream;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a directory tree as a deterministic layer tar: entries sorted byte-wise by name, PAX headers,
 * numeric ids with empty names, mtimes clamped to SOURCE_DATE_EPOCH, hardlinks as link entries,
 * devices and fifos; the compressed digest and the diffID come from the same pass.
 */
public final class LayerWriter {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;

    private LayerWriter() {}

    /** A plain directory tree -> layer tar of its contents (names relative to root). */
    public static WrittenLayer writeTree(Path root, LayerOptions options, OutputStream out) {
        return writeTree(root, options, out, Optional.empty());
    }

    /** Like {@link #writeTree(Path, LayerOptions, OutputStream)}, writing the layer's skeleton in the same pass. */
    public static WrittenLayer writeTree(
            Path root, LayerOptions options, OutputStream out, Optional<LayerSkeleton> skeleton) {
        return write(root, options, out, false, skeleton);
    }

    /** An overlayfs upperdir -> layer, converting overlay whiteouts and opaque dirs to OCI whiteouts. */
    public static WrittenLayer writeUpperdir(Path upperdir, LayerOptions options, OutputStream out) {
        return writeUpperdir(upperdir, options, out, Optional.empty());
    }

    /** Like {@link #writeUpperdir(Path, LayerOptions, OutputStream)}, writing the layer's skeleton in the same pass. */
    public static WrittenLayer writeUpperdir(
            Path upperdir, LayerOptions options, OutputStream out, Optional<LayerSkeleton> skeleton) {
        return write(upperdir, options, out, true, skeleton);
    }

    /**
     * Entries described by the caller -> layer tar, written like a tree: sorted, clamped, the first of
     * a set of hardlinked names (in that order) holds the bytes. A later entry for the same name
     * replaces an earlier one; a HARDLINK must name a FILE (or another HARDLINK) of the list.
     */
    public static WrittenLayer writeEntries(List<LayerEntry> entries, LayerOptions options, OutputStream out) {
        return writeEntries(entries, options, out, Optional.empty());
    }

    /** Like {@link #writeEntries(List, LayerOptions, OutputStream)}, writing the layer's skeleton in the same pass. */
    public static WrittenLayer writeEntries(
            List<LayerEntry> entries, LayerOptions options, OutputStream out, Optional<LayerSkeleton> skeleton) {
        try {
            return write(TreeScan.fromEntries(entries), options, out, skeleton);
        } catch (IOException e) {
            throw StrataException.environment("cannot write layer of the given entries: " + e.getMessage(), e);
        }
    }

    /** True when the directory holds nothing (RUN true): the engine then adds no layer. */
    public static boolean isEmptyTree(Path root) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            return !ds.iterator().hasNext();
        } catch (IOException e) {
            throw StrataException.environment("cannot read directory " + root + ": " + e.getMessage(), e);
        }
    }

    private static WrittenLayer write(
            Path root, LayerOptions options, OutputStream out, boolean upper, Optional<LayerSkeleton> skeleton) {
        try {
            return write(TreeScan.scan(root, upper), options, out, skeleton);
        } catch (IOException e) {
            throw StrataException.environment("cannot write layer of " + root + ": " + e.getMessage(), e);
        }
    }

    private static WrittenLayer write(
            List<TreeEntry> entries, LayerOptions options, OutputStream out, Optional<LayerSkeleton> skeleton)
            throws IOException {
        {
            MessageDigest blobHash = Digest.newSha256();
            MessageDigest diffHash = Digest.newSha256();
            CountingStream counted = new CountingStream(new DigestOutputStream(new NonClosing(out), blobHash));
            OutputStream compressed = compressor(options, counted);
            OutputStream tarSink = new DigestOutputStream(compressed, diffHash);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarSink, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true);
                writeEntries(tar, entries, options.sourceDateEpoch().map(i -> i.getEpochSecond()), skeleton);
                tar.finish();
            }
            Digest blob = Digest.finish("sha256", blobHash);
            Digest diff = Digest.finish("sha256", diffHash);
            return new WrittenLayer(
                    new Descriptor(options.compression().ociLayerMediaType(), blob, counted.count), diff);
        }
    }

    private static OutputStream compressor(LayerOptions options, OutputStream sink) throws IOException {
        return switch (options.compression()) {
            case NONE -> sink;
            case GZIP -> new ParallelGzipOutputStream(sink, options.threads());
            case ZSTD -> {
                ZstdOutputStream z = new ZstdOutputStream(sink, 3);
                z.setChecksum(false);
                // zstd's multi-threaded mode gives the same bytes for any worker count >= 1 (not for 0,
                // its single-threaded mode), so even one thread uses one worker
                z.setWorkers(options.threads());
                yield z;
            }
        };
    }

    private static void writeEntries(
            TarArchiveOutputStream tar, List<TreeEntry> entries, Optional<Long> epoch, Optional<LayerSkeleton> skeleton)
            throws IOException {
        Map<String, String> firstByInode = new HashMap<>();
        byte[] buf = new byte[1 << 16];
        for (TreeEntry e : entries) {
            TarArchiveEntry t;
            int type = e.mode() & S_IFMT;
            if (e.whiteout()) {
                t = new TarArchiveEntry(e.name(), TarConstants.LF_NORMAL, true);
                t.setSize(0);
            } else if (type == 0040000) {
                t = new TarArchiveEntry(e.name(), TarConstants.LF_DIR, true);
            } else if (type == 0120000) {
                t = new TarArchiveEntry(e.name(), TarConstants.LF_SYMLINK, true);
                t.setLinkName(
                        e.symlink().isPresent()
                                ? e.symlink().get()
                                : Files.readSymbolicLink(e.path()).toString());
            } else if (type == 0100000) {
                String first = e.nlink() > 1 ? firstByInode.putIfAbsent(e.inodeKey(), e.name()) : null;
                if (first != null) {
                    t = new TarArchiveEntry(e.name(), TarConstants.LF_LINK, true);
                    t.setLinkName(first);
                } else {
                    t = new TarArchiveEntry(e.name(), TarConstants.LF_NORMAL, true);
                    t.setSize(e.size());
                }
            } else if (type == 0020000 || type == 0060000) {
                t = new TarArchiveEntry(e.name(), type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK, true);
                t.setDevMajor(e.devMajor());
                t.setDevMinor(e.devMinor());
            } else if (type == 0010000) {
                t = new TarArchiveEntry(e.name(), TarConstants.LF_FIFO, true);
            } else {
                continue; // sockets cannot be archived; tar skips them too
            }
            t.setMode(e.whiteout() ? 0644 : e.mode() & 07777);
            t.setUserId(e.uid());
            t.setGroupId(e.gid());
            t.setUserName("");
            t.setGroupName("");
            long mtime = epoch.map(ep -> Math.min(ep, e.mtime())).orElse(e.mtime());
            t.setModTime(FileTime.from(mtime, TimeUnit.SECONDS));
            for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
                // PAX values are UTF-8 strings in commons-compress; ISO-8859-1 keeps arbitrary bytes 1:1
                t.addPaxHeader("SCHILY.xattr." + x.getKey(), new String(x.getValue(), StandardCharsets.ISO_8859_1));
            }
            if (skeleton.isPresent()) {
                // the kept files (/etc/passwd, /etc/group) are small: read twice rather than buffered always
                skeleton.get().add(t, LayerSkeleton.keepsContent(t) ? Files.readAllBytes(e.path()) : new byte[0]);
            }
            tar.putArchiveEntry(t);
            if (t.isFile() && !t.isLink() && t.getSize() > 0) {
                try (InputStream in = Files.newInputStream(e.path(), NOFOLLOW)) {
                    long left = t.getSize();
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException(e.path() + " shrank while being archived");
                        }
                        tar.write(buf, 0, n);
                        left -= n;
                    }
                }
            }
            tar.closeArchiveEntry();
        }
    }

    /** Keeps the caller's stream open when the compressor is closed. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
