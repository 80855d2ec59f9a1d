package dev.strata.build;

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
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Unpacks a layer blob (gzip, zstd or plain tar) into a directory. {@code overlay} turns whiteouts
 * into overlayfs ones (0/0 character devices, opaque xattr) so the directory can be a lowerdir;
 * otherwise they delete what they name (a merged rootfs). Nothing is written outside the target.
 */
final class LayerUnpack {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private LayerUnpack() {
    }

    static void extract(InputStream blob, Path target, boolean overlay, String what) {
        Path root = target.toAbsolutePath().normalize();
        List<Object[]> dirTimes = new ArrayList<>();
        try (InputStream in = decompress(new BufferedInputStream(blob, 1 << 16));
                TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                String name = e.getName();
                while (name.startsWith("./") || name.startsWith("/")) {
                    name = name.substring(name.startsWith("./") ? 2 : 1);
                }
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                Path p = root.resolve(name).normalize();
                if (!p.startsWith(root) || p.equals(root)) {
                    throw StrataException.input(what + ": entry " + e.getName() + " would land outside the target");
                }
                Files.createDirectories(p.getParent());
                String base = p.getFileName().toString();
                if (base.equals(".wh..wh..opq")) {
                    if (overlay) {
                        run("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", p.getParent().toString());
                    } else {
                        clear(p.getParent());
                    }
                    continue;
                }
                if (base.startsWith(".wh.")) {
                    Path victim = p.resolveSibling(base.substring(4));
                    BuildSession.deleteTree(victim);
                    if (overlay) {
                        run("mknod", victim.toString(), "c", "0", "0");
                    }
                    continue;
                }
                if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    continue; // devices and fifos are not needed to build
                }
                if (!e.isDirectory() && Files.exists(p, NOFOLLOW) && !Files.isDirectory(p, NOFOLLOW)) {
                    Files.delete(p);
                }
                if (e.isDirectory()) {
                    if (Files.exists(p, NOFOLLOW) && !Files.isDirectory(p, NOFOLLOW)) {
                        Files.delete(p);
                    }
                    Files.createDirectories(p);
                    dirTimes.add(new Object[] {p, e.getLastModifiedTime()});
                } else if (e.isSymbolicLink()) {
                    if (Files.isDirectory(p, NOFOLLOW)) {
                        BuildSession.deleteTree(p);
                    }
                    Files.createSymbolicLink(p, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Path src = root.resolve(e.getLinkName().replaceFirst("^\\./", "").replaceFirst("^/", "")).normalize();
                    if (!src.startsWith(root)) {
                        throw StrataException.input(what + ": hard link " + e.getName() + " points outside the target");
                    }
                    Files.createLink(p, src);
                    continue;
                } else if (e.isFile()) {
                    if (Files.isDirectory(p, NOFOLLOW)) {
                        BuildSession.deleteTree(p);
                    }
                    Files.copy(tar, p, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    continue; // devices and fifos are not needed to build
                }
                try {
                    Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), NOFOLLOW);
                    Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), NOFOLLOW);
                } catch (java.nio.file.FileSystemException notRoot) {
                    // without root the owners cannot be set; a view for COPY (no RUN) does not need them
                    if (overlay && ROOT) {
                        throw notRoot;
                    }
                }
                if (!e.isSymbolicLink()) {
                    Files.setAttribute(p, "unix:mode", e.getMode() & 07777);
                    Files.setLastModifiedTime(p, e.getLastModifiedTime());
                }
            }
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Files.setLastModifiedTime((Path) dirTimes.get(i)[0], (FileTime) dirTimes.get(i)[1]);
            }
        } catch (IOException e) {
            throw StrataException.input(what + " is not a readable layer (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream decompress(BufferedInputStream in) throws IOException {
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            return new ZstdCompressorInputStream(in);
        }
        return in;
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            return;
        }
        try (var s = Files.list(dir)) {
            for (Path c : s.toList()) {
                BuildSession.deleteTree(c);
            }
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw StrataException.environment(String.join(" ", cmd) + " failed: " + out.strip()
                        + " (unpacking layers for overlayfs needs root)");
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot run " + cmd[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while unpacking a layer");
        }
    }
}
