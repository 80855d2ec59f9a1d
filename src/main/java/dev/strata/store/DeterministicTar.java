package dev.strata.store;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes archive tars whose bytes depend only on their contents: fixed mtime (the epoch), owner 0:0
 * with no names, fixed modes, PAX headers for long names and big sizes. Callers add entries in a fixed order.
 */
final class DeterministicTar implements AutoCloseable {
    private static final FileTime EPOCH = FileTime.fromMillis(0);
    private final TarArchiveOutputStream tar;
    private final Set<String> written = new HashSet<>();

    DeterministicTar(OutputStream out) {
        tar = new TarArchiveOutputStream(new FilterOutputStream(out) {
            @Override
            public void close() throws IOException {
                flush(); // the caller owns the stream
            }
        });
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** Adds a directory entry once (names end in '/'). */
    void dir(String name) throws IOException {
        if (!written.add(name)) {
            return;
        }
        TarArchiveEntry e = entry(name, TarArchiveEntry.DEFAULT_DIR_MODE);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** True if {@code name} was already added (blobs shared by two layers are written once). */
    boolean has(String name) {
        return written.contains(name);
    }

    void file(String name, byte[] bytes) throws IOException {
        file(name, bytes.length, new ByteArrayInputStream(bytes));
    }

    /** Adds a regular file of exactly {@code size} bytes read from {@code in}. */
    void file(String name, long size, InputStream in) throws IOException {
        written.add(name);
        TarArchiveEntry e = entry(name, TarArchiveEntry.DEFAULT_FILE_MODE);
        e.setSize(size);
        tar.putArchiveEntry(e);
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException(name + " ended " + left + " bytes before its recorded size " + size);
            }
            tar.write(buf, 0, n);
            left -= n;
        }
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(mode);
        e.setLastModifiedTime(EPOCH);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.close();
    }
}
