package dev.strata.context;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * ADD's local archives: a file is an archive when, after removing a gzip, bzip2, xz or zstd layer
 * recognised by its magic bytes (or none), it starts with a valid tar header — the file name plays
 * no part, as in docker. Extraction writes into a staging directory like {@code tar -x}: existing
 * entries are replaced, whiteout names are ordinary files, nothing may land outside the destination.
 */
public final class Archives {
    private Archives() {}

    /** Whether the file is a tar archive, possibly compressed. */
    public static boolean isArchive(Path file) {
        try (InputStream in = open(file)) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512 || allZero(header)) {
                return false;
            }
            return TarUtils.verifyCheckSum(header);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The file's bytes with one recognised compression layer removed. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        raw.mark(8);
        byte[] m = raw.readNBytes(6);
        raw.reset();
        try {
            if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
                return new GzipCompressorInputStream(raw, true);
            }
            if (m.length >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
                return new BZip2CompressorInputStream(raw, true);
            }
            if (m.length >= 6 && Arrays.equals(m, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0})) {
                return new XZCompressorInputStream(raw, true);
            }
            if (m.length >= 4
                    && (m[0] & 0xff) == 0x28
                    && (m[1] & 0xff) == 0xb5
                    && (m[2] & 0xff) == 0x2f
                    && (m[3] & 0xff) == 0xfd) {
                return new ZstdCompressorInputStream(raw);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return raw;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Extracts {@code archive} into {@code destDir} (created if needed). {@code owner} replaces the
     * archive's owners when present (ADD --chown); {@code clampNanos} caps every mtime.
     */
    public static void extract(Path archive, Path destDir, Optional<Owner> owner, Optional<Long> clampNanos) {
        List<Object[]> dirTimes = new ArrayList<>();
        try (InputStream in = open(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            Stager.mkdirs(destDir.getParent() == null ? destDir : destDir.getParent(), destDir);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = GoPath.clean(e.getName());
                if (name.startsWith("/")) {
                    name = GoPath.clean(name.substring(1));
                }
                if (name.equals("..") || name.startsWith("../")) {
                    throw StrataException.stepFailed("ADD " + archive.getFileName() + ": archive entry '" + e.getName()
                            + "' points outside the destination; refusing to extract it");
                }
                if (name.equals(".")) {
                    continue;
                }
                Path target = destDir.resolve(name);
                Stager.checkNoSymlinkParents(destDir, target);
                Stager.mkdirs(destDir, target.getParent());
                boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                if (exists && !(e.isDirectory() && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))) {
                    Stager.deleteTree(target);
                }
                int uid = owner.map(Owner::uid).orElse((int) e.getLongUserId());
                int gid = owner.map(Owner::gid).orElse((int) e.getLongGroupId());
                long mtime = e.getLastModifiedTime() == null
                        ? 0
                        : e.getLastModifiedTime().to(TimeUnit.NANOSECONDS);
                if (clampNanos.isPresent()) {
                    mtime = Math.min(mtime, clampNanos.get());
                }
                if (e.isDirectory()) {
                    if (!exists) {
                        Files.createDirectory(target);
                    }
                    Stager.setMeta(target, e.getMode() & 07777, uid, gid);
                    dirTimes.add(new Object[] {target, mtime});
                } else if (e.isSymbolicLink()) {
                    String link = e.getLinkName();
                    if (!link.startsWith("/")) {
                        String resolved = GoPath.clean(GoPath.dir("/" + name) + "/" + link);
                        if (GoPath.clean(name + "/../" + link).startsWith("..")) {
                            throw StrataException.stepFailed("ADD " + archive.getFileName() + ": symlink '" + name
                                    + "' -> '" + link + "' points outside the destination (" + resolved + ")");
                        }
                    }
                    Files.createSymbolicLink(target, Path.of(link));
                    Stager.setOwner(target, uid, gid);
                    Stager.setTime(target, mtime);
                } else if (e.isLink()) {
                    String linked = GoPath.clean(e.getLinkName());
                    if (linked.startsWith("/")) {
                        linked = GoPath.clean(linked.substring(1));
                    }
                    if (linked.startsWith("..")) {
                        throw StrataException.stepFailed("ADD " + archive.getFileName() + ": hard link '" + name
                                + "' points outside the destination");
                    }
                    Path existing = destDir.resolve(linked);
                    Stager.checkNoSymlinkParents(destDir, existing);
                    Files.createLink(target, existing);
                } else if (e.isFile()) {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Stager.setMeta(target, e.getMode() & 07777, uid, gid);
                    Stager.setTime(target, mtime);
                }
                // devices, FIFOs and other special entries are skipped: a build cannot create them portably
            }
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Stager.setTime((Path) dirTimes.get(i)[0], (Long) dirTimes.get(i)[1]);
            }
        } catch (IOException ex) {
            throw new StrataException(
                    ExitCode.STEP_FAILED,
                    "ADD: cannot extract " + archive + ": " + ex.getMessage() + "; check that the archive is complete",
                    ex);
        }
    }

    static FileTime time(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }
}
