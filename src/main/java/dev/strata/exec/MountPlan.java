package dev.strata.exec;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A step's {@code RUN --mount}s made concrete: host dirs chosen (cache dirs created, locks taken,
 * read-write binds copied, ssh agent sockets relayed), stubs placed in the init layer, secrets kept in memory until the setup
 * script writes them to a tmpfs. {@link #close()} releases locks and removes the step's copies.
 */
final class MountPlan implements AutoCloseable {

    /** One mount as the runtime (or the chroot script) performs it. */
    record Planned(String destination, boolean tmpfs, Path source, boolean readonly, OptionalLong size) {}

    /** A secret file written into the step's secret tmpfs at {@code name}. */
    record SecretFile(String name, byte[] content, int uid, int gid, int mode) {
        @Override
        public String toString() {
            return "SecretFile[" + name + "]"; // never the content
        }
    }

    final List<Planned> mounts = new ArrayList<>();
    final List<SecretFile> secrets = new ArrayList<>();
    private final List<AutoCloseable> releases = new ArrayList<>();
    private final List<Path> discard = new ArrayList<>();

    static MountPlan prepare(RunRequest request, Path step, InitLayer init) {
        MountPlan plan = new MountPlan();
        try {
            for (RunMount m : request.mounts()) {
                plan.add(m, request, step, init);
            }
            return plan;
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    private void add(RunMount m, RunRequest request, Path step, InitLayer init) {
        if (m instanceof RunMount.Cache c) {
            Path dir = cacheDir(c, request);
            mounts.add(new Planned(init.stub(c.target(), true), false, dir, c.readonly(), OptionalLong.empty()));
        } else if (m instanceof RunMount.Secret s) {
            if (s.content().isEmpty()) {
                if (s.required()) {
                    throw StrataException.input("RUN --mount=type=secret,id=" + s.id() + ": the secret " + s.id()
                            + " was not given; pass --secret id=" + s.id() + ",src=FILE");
                }
                return;
            }
            String name = "s" + secrets.size();
            secrets.add(new SecretFile(name, s.content().get(), s.uid(), s.gid(), s.mode()));
            mounts.add(new Planned(
                    init.stub(s.target(), false),
                    false,
                    step.resolve("secrets").resolve(name),
                    true,
                    OptionalLong.empty()));
        } else if (m instanceof RunMount.Bind b) {
            if (!Files.exists(b.source())) {
                throw StrataException.input(
                        "RUN --mount=type=bind,target=" + b.target() + ": source " + b.source() + " does not exist");
            }
            boolean dir = Files.isDirectory(b.source());
            Path source = b.source().toAbsolutePath();
            if (b.readwrite()) {
                // writes must not reach the context or the stage: bind a copy and drop it afterwards
                source = step.resolve("bind" + mounts.size());
                copy(b.source(), source);
            }
            mounts.add(new Planned(init.stub(b.target(), dir), false, source, !b.readwrite(), OptionalLong.empty()));
        } else if (m instanceof RunMount.Tmpfs t) {
            mounts.add(new Planned(init.stub(t.target(), true), true, null, false, t.size()));
        } else if (m instanceof RunMount.Ssh s) {
            if (s.agent().isEmpty()) {
                if (s.required()) {
                    throw StrataException.input("RUN --mount=type=ssh,id=" + s.id() + ": no ssh agent " + s.id()
                            + " was forwarded; pass --ssh " + s.id() + " (uses $SSH_AUTH_SOCK) or --ssh " + s.id()
                            + "=/path/to/agent.sock");
                }
                return;
            }
            SshAgentProxy proxy = SshAgentProxy.start(s.agent().get(), s.uid(), s.gid(), s.mode());
            releases.add(proxy);
            mounts.add(new Planned(init.stub(s.target(), false), false, proxy.socket(), false, OptionalLong.empty()));
        }
    }

    private Path cacheDir(RunMount.Cache c, RunRequest request) {
        Path root;
        String name;
        if (c.hostDir().isPresent()) {
            root = c.hostDir().get().toAbsolutePath().getParent();
            name = c.hostDir().get().getFileName().toString();
        } else {
            root = request.cacheRoot()
                    .orElseThrow(() -> new IllegalArgumentException("type=cache mounts need RunRequest.cacheRoot"))
                    .toAbsolutePath();
            name = cacheName(c.id());
        }
        try {
            Files.createDirectories(root);
            Path dir = root.resolve(name);
            switch (c.sharing()) {
                case SHARED -> {
                    return ensureCache(dir, c);
                }
                case LOCKED -> {
                    releases.add(lock(root.resolve(name + ".lock"), true));
                    return ensureCache(dir, c);
                }
                case PRIVATE -> {
                    AutoCloseable held = lock(root.resolve(name + ".lock"), false);
                    if (held != null) {
                        releases.add(held);
                        return ensureCache(dir, c);
                    }
                    // someone else holds the cache: this step gets a fresh one, dropped afterwards
                    Path fresh = Files.createTempDirectory(root, name + ".private-");
                    discard.add(fresh);
                    applyOwnership(fresh, c);
                    return fresh;
                }
                default -> throw new IllegalStateException(c.sharing().toString());
            }
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot prepare cache mount " + c.id() + " under " + root + ": " + e.getMessage(), e);
        }
    }

    private static Path ensureCache(Path dir, RunMount.Cache c) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        // made aside and renamed so a concurrent step never sees it half-initialised
        Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".new-");
        applyOwnership(tmp, c);
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            Files.deleteIfExists(tmp);
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
        return dir;
    }

    private static void applyOwnership(Path dir, RunMount.Cache c) throws IOException {
        Files.setAttribute(dir, "unix:uid", c.uid());
        Files.setAttribute(dir, "unix:gid", c.gid());
        Files.setAttribute(dir, "unix:mode", c.mode() & 07777);
    }

    /** An exclusive lock on {@code file}, waiting for it when {@code wait}, else null when taken. */
    private static AutoCloseable lock(Path file, boolean wait) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        while (true) {
            try {
                FileLock l = wait ? ch.lock() : ch.tryLock();
                if (l == null) {
                    ch.close();
                    return null;
                }
                return ch::close;
            } catch (OverlappingFileLockException sameJvm) {
                // another step of this JVM holds it: the JDK refuses rather than blocks
                if (!wait) {
                    ch.close();
                    return null;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ch.close();
                    throw new IOException("interrupted while waiting for " + file, e);
                }
            }
        }
    }

    static String cacheName(String id) {
        return CacheMountDir.name(id);
    }

    private static void copy(Path from, Path to) {
        run(List.of("cp", "-a", "--", from.toString(), to.toString()));
    }

    static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw StrataException.environment(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted: " + String.join(" ", cmd));
        }
    }

    @Override
    public void close() {
        for (AutoCloseable r : releases) {
            try {
                r.close();
            } catch (Exception e) {
                // a lock's channel failing to close frees the lock anyway
            }
        }
        releases.clear();
        for (Path p : discard) {
            Tree.delete(p);
        }
        discard.clear();
    }
}
