package dev.strata.build;

import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a directory tree as a deterministic gzip layer (sorted names, PAX headers, numeric ids,
 * mtimes clamped to the build's epoch, hard links kept), computing the blob digest and the diffID
 * in the same pass. For an overlay upperdir, 0/0 character devices become {@code .wh.NAME} and
 * opaque directories get {@code .wh..wh..opq}, as the OCI image spec asks.
 */
final class LayerTar {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** A layer written: the compressed blob's descriptor and the uncompressed tar's digest. */
    record Written(Descriptor descriptor, Digest diffId) {
    }

    private LayerTar() {
    }

    static Written writeTree(Path root, Instant epoch, OutputStream out) {
        return write(root, epoch, out, false);
    }

    static Written writeUpperdir(Path upper, Instant epoch, OutputStream out) {
        return write(upper, epoch, out, true);
    }

    /** True when the directory holds nothing at all (a RUN that changed nothing). */
    static boolean isEmptyTree(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw StrataException.environment("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** Writes the entries of a layer into a tar stream. */
    @FunctionalInterface
    interface Emitter {
        void emit(TarArchiveOutputStream tar) throws IOException;
    }

    private static Written write(Path root, Instant epoch, OutputStream out, boolean upperdir) {
        try {
            Set<String> opaque = upperdir ? opaqueDirs(root) : Set.of();
            return write(t -> new Walker(root, epoch.getEpochSecond(), t, upperdir, opaque).dir(root, ""), out,
                    root.toString());
        } catch (IOException e) {
            throw StrataException.environment("cannot write a layer from " + root + ": " + e.getMessage(), e);
        }
    }

    /** A gzip layer of what {@code emitter} writes, with its blob digest and diffID computed on the way. */
    static Written write(Emitter emitter, OutputStream out, String what) {
        MessageDigest blob = Digest.newSha256();
        MessageDigest tar = Digest.newSha256();
        long[] size = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                size[0] += len;
            }
        };
        try {
            GZIPOutputStream gz = new GZIPOutputStream(new DigestOutputStream(counting, blob), 1 << 16) {
                {
                    def.setLevel(1); // speed over a few percent of size, like BuildKit's default
                }
            };
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(new DigestOutputStream(gz, tar),
                    StandardCharsets.UTF_8.name())) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                t.setAddPaxHeadersForNonAsciiNames(true);
                emitter.emit(t);
                t.finish();
            }
            return new Written(new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.finish("sha256", blob), size[0]),
                    Digest.finish("sha256", tar));
        } catch (IOException e) {
            throw StrataException.environment("cannot write a layer from " + what + ": " + e.getMessage(), e);
        }
    }

    /** Directories of an upperdir marked opaque (trusted.overlay.opaque=y), relative paths. */
    private static Set<String> opaqueDirs(Path root) throws IOException {
        Set<String> out = new HashSet<>();
        Process p = new ProcessBuilder("getfattr", "-R", "-h", "--absolute-names", "-n", "trusted.overlay.opaque",
                root.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String current = null;
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("# file: ")) {
                current = line.substring(8);
            } else if (line.startsWith("trusted.overlay.opaque=\"y\"") && current != null) {
                out.add(root.relativize(Path.of(current)).toString());
            }
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Writes entries in name order, directories before their contents. */
    private static final class Walker {
        private final Path root;
        private final long clamp;
        private final TarArchiveOutputStream t;
        private final boolean upperdir;
        private final Set<String> opaque;
        private final Map<Long, String> inodes = new HashMap<>();

        Walker(Path root, long clamp, TarArchiveOutputStream t, boolean upperdir, Set<String> opaque) {
            this.root = root;
            this.clamp = clamp;
            this.t = t;
            this.upperdir = upperdir;
            this.opaque = opaque;
        }

        void dir(Path dir, String rel) throws IOException {
            if (opaque.contains(rel) && !rel.isEmpty()) {
                TarArchiveEntry wh = new TarArchiveEntry(rel + "/.wh..wh..opq", TarConstants.LF_NORMAL, true);
                wh.setModTime(FileTime.from(Instant.ofEpochSecond(clamp)));
                t.putArchiveEntry(wh);
                t.closeArchiveEntry();
            }
            List<Path> children;
            try (Stream<Path> s = Files.list(dir)) {
                children = s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
            }
            for (Path c : children) {
                String name = rel.isEmpty() ? c.getFileName().toString() : rel + "/" + c.getFileName();
                entry(c, name);
            }
        }

        private void entry(Path p, String name) throws IOException {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink,rdev,size,lastModifiedTime",
                    NOFOLLOW);
            int mode = (Integer) a.get("mode");
            int type = mode & 0170000;
            long mtime = Math.min(((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond(), clamp);
            TarArchiveEntry e;
            if (type == 0020000 && upperdir && ((Long) a.get("rdev")) == 0L) {
                String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                e = new TarArchiveEntry(parent + ".wh." + p.getFileName(), TarConstants.LF_NORMAL, true);
                e.setModTime(FileTime.from(Instant.ofEpochSecond(clamp)));
                t.putArchiveEntry(e);
                t.closeArchiveEntry();
                return;
            }
            if (type == 0040000) {
                e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, true);
            } else if (type == 0120000) {
                e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
                e.setLinkName(Files.readSymbolicLink(p).toString());
            } else if (type == 0100000) {
                long ino = (Long) a.get("ino");
                String first = ((Integer) a.get("nlink")) > 1 ? inodes.putIfAbsent(ino, name) : null;
                if (first != null) {
                    e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
                    e.setLinkName(first);
                } else {
                    e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
                    e.setSize((Long) a.get("size"));
                }
            } else {
                return; // devices, fifos and sockets do not belong in build layers
            }
            e.setMode(mode & 07777);
            e.setUserId((long) (Integer) a.get("uid"));
            e.setGroupId((long) (Integer) a.get("gid"));
            e.setModTime(FileTime.from(Instant.ofEpochSecond(mtime)));
            t.putArchiveEntry(e);
            if (type == 0100000 && !e.isLink()) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16)) {
                    in.transferTo(t);
                }
            }
            t.closeArchiveEntry();
            if (type == 0040000) {
                dir(p, name);
            }
        }
    }
}
