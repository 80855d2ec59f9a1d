package dev.strata.context;

import dev.strata.error.StrataException;
import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one COPY/ADD into a {@link CopyPlan} with docker's (BuildKit's) rules: sources are relative
 * to the source root and cannot leave it; wildcards follow Go's filepath.Match; a directory source
 * copies its contents; a file goes into {@code dest/} when dest ends in '/' or is an existing
 * directory, else becomes {@code dest}; several sources need a dest ending in '/'; a relative dest is
 * resolved against WORKDIR; missing parents are created 0755. See docs/context.md for the details.
 */
public final class CopyPlanner {
    private final CopyRequest req;
    private final CopySource source;
    private final ImageView image;
    private final Optional<Path> scratch;
    private final Optional<Owner> chown;
    private final Optional<Chmod> chmod;
    private final DockerIgnore excludes;
    private final Optional<Long> clamp;
    private final long createdNanos;
    private final Map<String, CopyEntry> planned = new LinkedHashMap<>();

    private CopyPlanner(CopyRequest req, CopySource source, ImageView image, Optional<Path> scratch) {
        this.req = req;
        this.source = source;
        this.image = image;
        this.scratch = scratch;
        this.chown = req.chown().map(c -> Owner.resolve(c, image));
        this.chmod = req.chmod().map(Chmod::parse);
        this.excludes = DockerIgnore.ofPatterns(req.excludes(), req.instruction() + " --exclude");
        this.clamp = req.sourceDateEpoch().map(s -> s * 1_000_000_000L);
        long created = req.createdAt().getEpochSecond() * 1_000_000_000L
                + req.createdAt().getNano();
        this.createdNanos = clamp.map(c -> Math.min(c, created)).orElse(created);
    }

    /** Plans a COPY/ADD without URL sources. */
    public static CopyPlan plan(CopyRequest req, CopySource source, ImageView image) {
        return new CopyPlanner(req, source, image, Optional.empty()).run();
    }

    /** Plans a COPY/ADD; ADD URL downloads go to {@code scratchDir} (the caller deletes it after staging). */
    public static CopyPlan plan(CopyRequest req, CopySource source, ImageView image, Path scratchDir) {
        return new CopyPlanner(req, source, image, Optional.of(scratchDir)).run();
    }

    /**
     * The digest of what a COPY/ADD reads, for its cache key, without looking at the image: the
     * sources are resolved as {@link #plan} does (wildcards, symlinks, .dockerignore, --exclude,
     * --parents, archives) and digested by relative path, type, mode, symlink target, owner (kept
     * owners of a rootfs source only) and content. The destination, --chown and --chmod are not in
     * it: they are part of the instruction text, which the key already holds. An ADD URL with
     * --checksum counts by its checksum; one without is downloaded into {@code scratchDir} and hashed.
     */
    public static Digest sourceDigest(
            CopyRequest req, CopySource source, ContentHasher hasher, Optional<Path> scratchDir) {
        List<String> local = new ArrayList<>();
        StringBuilder urls = new StringBuilder();
        for (String s : req.sources()) {
            if (SourceKinds.isUrl(s) && req.checksum().isPresent()) {
                urls.append(s).append('@').append(req.checksum().get()).append('\n');
            } else {
                local.add(s);
            }
        }
        CopyRequest bare = new CopyRequest(
                req.add(),
                local,
                "/",
                "/",
                Optional.empty(),
                Optional.empty(),
                req.excludes(),
                req.parents(),
                Optional.empty(),
                req.keepGitDir(),
                Optional.empty(),
                Instant.EPOCH);
        CopyPlan plan = local.isEmpty()
                ? new CopyPlan(List.of())
                : new CopyPlanner(bare, source, ImageView.empty(), scratchDir).run();
        MessageDigest md = Digest.newSha256();
        md.update(plan.digest(hasher).toString().getBytes(StandardCharsets.UTF_8));
        md.update(urls.toString().getBytes(StandardCharsets.UTF_8));
        return Digest.finish("sha256", md);
    }

    private CopyPlan run() {
        if (req.sources().isEmpty()) {
            throw StrataException.input(req.instruction() + " needs at least one source and a destination");
        }
        if (req.keepGitDir()) {
            throw unsupportedGit("--keep-git-dir");
        }
        String rawDest = req.dest();
        boolean destIsDir = rawDest.isEmpty() || rawDest.equals(".") || rawDest.endsWith("/");
        if (req.sources().size() > 1 && !destIsDir) {
            throw StrataException.input("When using " + req.instruction() + " with more than one source, the"
                    + " destination must be a directory and end with a '/': write '" + rawDest + "/'");
        }
        String destAbs =
                rawDest.startsWith("/") ? GoPath.clean(rawDest) : GoPath.join(GoPath.rooted(req.workdir()), rawDest);
        // the destination's directories are resolved through the image's symlinks, as inside a container
        destAbs = ScopedPath.resolve(this::lookup, destAbs, true);
        for (String raw : req.sources()) {
            if (SourceKinds.isUrl(raw)) {
                if (!req.add()) {
                    throw StrataException.input("COPY cannot fetch the URL '" + raw + "'; use ADD for URLs");
                }
                if (SourceKinds.isGit(raw)) {
                    throw unsupportedGit(raw);
                }
                addUrl(raw, destAbs, destIsDir);
                continue;
            }
            if (req.add() && SourceKinds.isGit(raw)) {
                throw unsupportedGit(raw);
            }
            if (req.checksum().isPresent()) {
                throw StrataException.input("ADD --checksum only applies to http(s) sources, not '" + raw + "'");
            }
            addLocal(raw, destAbs, destIsDir);
        }
        return new CopyPlan(new ArrayList<>(planned.values()));
    }

    private void addLocal(String raw, String destAbs, boolean destIsDir) {
        String pivot = "";
        String path = raw;
        int p = raw.indexOf("/./");
        if (req.parents() && p >= 0) {
            pivot = BuildContext.normalize(raw.substring(0, p));
            path = raw.substring(0, p) + "/" + raw.substring(p + 3);
        }
        String rel = BuildContext.normalize(path);
        List<String> matches;
        String base;
        boolean wildcard = GoGlob.hasMeta(rel);
        if (wildcard) {
            Wildcards w = Wildcards.resolve(source.tree(), rel, raw, req.instruction());
            matches = w.matches();
            base = w.base();
            if (matches.isEmpty()) {
                throw new NoSourceFilesException(raw, source.description());
            }
            if (matches.size() > 1 && !destIsDir && !req.parents() && !isDir(destAbs)) {
                throw StrataException.input(req.instruction() + " " + raw + " matches " + matches.size()
                        + " files, so the destination must be a directory and end with a '/': write '"
                        + req.dest() + "/'");
            }
        } else {
            matches = List.of(rel);
            base = GoPath.dir("/" + rel).substring(1);
        }
        for (String m : matches) {
            if (wildcard && excludes.excludes(relTo(base, m))) {
                continue;
            }
            copyOne(raw, m, pivot, destAbs, destIsDir);
        }
    }

    private void copyOne(String raw, String m, String pivot, String destAbs, boolean destIsDir) {
        BuildContext tree = source.tree();
        String real = BuildContext.normalize(ScopedPath.resolve(r -> tree.stat(r), "/" + m, true));
        ContextEntry e = tree.stat(real).orElseThrow(() -> notFound(raw, m));
        if (e.type() == FileType.SYMLINK) {
            throw notFound(raw, m);
        }
        String keep = req.parents() ? relTo(pivot, m) : "";
        if (e.type() == FileType.DIRECTORY) {
            String target = req.parents() ? GoPath.join(destAbs, keep) : destAbs;
            if (req.parents()) {
                parentsFromSource(pivot, keep, destAbs);
            }
            ensureParents(target);
            Optional<ContextEntry> existing = lookup(target);
            if (existing.isPresent() && existing.get().type() != FileType.DIRECTORY) {
                throw StrataException.stepFailed(req.instruction() + " " + raw + ": cannot copy a directory to "
                        + target + ", which is not a directory in the image");
            }
            if (target.equals("/")) {
                // the image root always exists and, like any existing destination, keeps its metadata
            } else if (existing.isEmpty()) {
                // BuildKit makes the destination (MkdirAll 0755) before copying the directory's contents
                // into it, so it gets neither the source directory's mode nor --chmod
                put(newDir(target, false));
            } else if (!planned.containsKey(target)) {
                put(implied(target, existing.get()));
            }
            // files sharing an inode inside one source stay hard-linked, as docker keeps them
            Map<Long, String> inodes = new HashMap<>();
            for (ContextEntry c : tree.walk(real)) {
                String inside = relTo(real, c.path());
                if (excludes.excludes(inside)) {
                    continue;
                }
                String dest = GoPath.join(target, inside);
                if (!planned.containsKey(GoPath.dir(dest))) {
                    // its directory was excluded but an exception re-included this entry
                    ensureParents(dest);
                }
                switch (c.type()) {
                    case DIRECTORY -> put(dirEntry(dest, c, false));
                    case REGULAR -> {
                        String first = inodes.putIfAbsent(c.inode(), dest);
                        if (first == null || !planned.containsKey(first)) {
                            putFile(dest, c);
                        } else {
                            CopyEntry f = planned.get(first);
                            put(new CopyEntry(
                                    CopyEntry.Kind.HARDLINK,
                                    dest,
                                    f.mode(),
                                    f.uid(),
                                    f.gid(),
                                    f.mtimeNanos(),
                                    Optional.of(first),
                                    Optional.empty(),
                                    false));
                        }
                    }
                    case SYMLINK ->
                        put(new CopyEntry(
                                CopyEntry.Kind.SYMLINK,
                                dest,
                                0777,
                                uid(c),
                                gid(c),
                                mtime(c.mtimeNanos()),
                                c.linkTarget(),
                                Optional.empty(),
                                false));
                }
            }
            return;
        }
        if (req.add() && !req.parents() && Archives.isArchive(e.file())) {
            ensureParents(destAbs);
            if (lookup(destAbs).isEmpty()) {
                put(newDir(destAbs, true));
            }
            put(new CopyEntry(
                    CopyEntry.Kind.ARCHIVE,
                    destAbs,
                    0,
                    chown.map(Owner::uid).orElse(-1),
                    chown.map(Owner::gid).orElse(-1),
                    clamp.orElse(-1L),
                    Optional.empty(),
                    Optional.of(e),
                    false));
            return;
        }
        String target;
        if (req.parents()) {
            target = GoPath.join(destAbs, keep);
            parentsFromSource(pivot, keep, destAbs);
        } else if (destIsDir || isDir(destAbs)) {
            target = GoPath.join(destAbs, GoPath.base("/" + m));
        } else {
            target = destAbs;
        }
        ensureParents(target);
        putFile(target, e);
    }

    private void addUrl(String url, String destAbs, boolean destIsDir) {
        Path dir = scratch.orElseThrow(
                () -> StrataException.environment("ADD " + url + ": no download directory was given to the planner"));
        Optional<Digest> sum = req.checksum().map(Digest::parse);
        UrlFetcher.Download d = UrlFetcher.fetch(url, sum, dir);
        String target = destIsDir || isDir(destAbs) ? GoPath.join(destAbs, d.filename()) : destAbs;
        ensureParents(target);
        ContextEntry file = BuildContext.read(
                        d.file().getParent(), d.file().getFileName().toString())
                .orElseThrow();
        int mode = chmod.map(c -> c.apply(0600, false)).orElse(0600);
        put(new CopyEntry(
                CopyEntry.Kind.FILE,
                target,
                mode,
                owner().uid(),
                owner().gid(),
                mtime(d.lastModifiedNanos().orElse(0L)),
                Optional.empty(),
                Optional.of(file),
                false));
    }

    /** With --parents, the directories between the pivot and the source keep the source's metadata. */
    private void parentsFromSource(String pivot, String keep, String destAbs) {
        if (keep.isEmpty()) {
            return;
        }
        String[] parts = keep.split("/");
        String srcRel = pivot;
        String dst = destAbs;
        for (int i = 0; i < parts.length - 1; i++) {
            srcRel = srcRel.isEmpty() ? parts[i] : srcRel + "/" + parts[i];
            dst = GoPath.join(dst, parts[i]);
            if (planned.containsKey(dst)) {
                continue;
            }
            Optional<ContextEntry> srcDir = source.tree().stat(srcRel);
            ensureParents(dst);
            if (srcDir.isPresent() && srcDir.get().type() == FileType.DIRECTORY) {
                put(dirEntry(dst, srcDir.get(), false));
            }
        }
    }

    private void putFile(String dest, ContextEntry c) {
        Optional<ContextEntry> existing = lookup(dest);
        if (existing.isPresent() && existing.get().type() == FileType.DIRECTORY) {
            throw StrataException.stepFailed(
                    req.instruction() + ": cannot replace the directory " + dest + " with a file");
        }
        int mode = chmod.map(x -> x.apply(c.mode(), false)).orElse(c.mode());
        put(new CopyEntry(
                CopyEntry.Kind.FILE,
                dest,
                mode,
                uid(c),
                gid(c),
                mtime(c.mtimeNanos()),
                Optional.empty(),
                Optional.of(c),
                false));
    }

    private CopyEntry dirEntry(String dest, ContextEntry c, boolean implied) {
        int mode = chmod.map(x -> x.apply(c.mode(), true)).orElse(c.mode());
        return new CopyEntry(
                CopyEntry.Kind.DIRECTORY,
                dest,
                mode,
                uid(c),
                gid(c),
                mtime(c.mtimeNanos()),
                Optional.empty(),
                Optional.empty(),
                implied);
    }

    /** Makes sure every parent of {@code target} exists: kept from the image or created 0755. */
    private void ensureParents(String target) {
        List<String> chain = new ArrayList<>();
        for (String d = GoPath.dir(target); !d.equals("/"); d = GoPath.dir(d)) {
            chain.add(0, d);
        }
        for (String d : chain) {
            if (planned.containsKey(d)) {
                if (planned.get(d).kind() != CopyEntry.Kind.DIRECTORY) {
                    throw StrataException.stepFailed(
                            req.instruction() + ": cannot create directory " + d + ": this copy put a file there");
                }
                continue;
            }
            Optional<ContextEntry> inImage = image.lstat(d);
            if (inImage.isEmpty()) {
                put(newDir(d, true));
            } else if (inImage.get().type() == FileType.DIRECTORY) {
                put(implied(d, inImage.get()));
            } else {
                throw StrataException.stepFailed(req.instruction() + ": cannot create directory " + d
                        + " because the image has a "
                        + inImage.get().type().name().toLowerCase(Locale.ROOT)
                        + " there");
            }
        }
    }

    /** A directory this copy creates: 0755, the --chown owner, the build's time. */
    private CopyEntry newDir(String dest, boolean implied) {
        return new CopyEntry(
                CopyEntry.Kind.DIRECTORY,
                dest,
                0755,
                owner().uid(),
                owner().gid(),
                createdNanos,
                Optional.empty(),
                Optional.empty(),
                implied);
    }

    private static CopyEntry implied(String dest, ContextEntry existing) {
        return new CopyEntry(
                CopyEntry.Kind.DIRECTORY,
                dest,
                existing.mode(),
                existing.uid(),
                existing.gid(),
                existing.mtimeNanos(),
                Optional.empty(),
                Optional.empty(),
                true);
    }

    private void put(CopyEntry e) {
        planned.put(e.dest(), e);
    }

    /** An image path as this copy leaves it: planned entries first, then the image. */
    private Optional<ContextEntry> lookup(String abs) {
        CopyEntry p = planned.get(abs);
        if (p != null) {
            FileType t = switch (p.kind()) {
                case DIRECTORY, ARCHIVE -> FileType.DIRECTORY;
                case FILE, HARDLINK -> FileType.REGULAR;
                case SYMLINK -> FileType.SYMLINK;
            };
            return Optional.of(new ContextEntry(
                    abs.substring(1), null, t, p.mode(), 0, p.mtimeNanos(), p.uid(), p.gid(), 0, p.linkTarget()));
        }
        return image.lstat(abs);
    }

    private boolean isDir(String abs) {
        Optional<ContextEntry> e = lookup(ScopedPath.resolve(this::lookup, abs, true));
        return e.isPresent() && e.get().type() == FileType.DIRECTORY;
    }

    private Owner owner() {
        return chown.orElse(Owner.ROOT);
    }

    private int uid(ContextEntry c) {
        return chown.map(Owner::uid).orElse(source.keepOwners() ? c.uid() : 0);
    }

    private int gid(ContextEntry c) {
        return chown.map(Owner::gid).orElse(source.keepOwners() ? c.gid() : 0);
    }

    private long mtime(long nanos) {
        return clamp.map(c -> Math.min(c, nanos)).orElse(nanos);
    }

    private static String relTo(String base, String path) {
        if (base.isEmpty()) {
            return path;
        }
        if (path.equals(base)) {
            return "";
        }
        return path.startsWith(base + "/") ? path.substring(base.length() + 1) : path;
    }

    private StrataException notFound(String raw, String rel) {
        String hint = source.tree().excluded(rel)
                ? " (it is excluded by " + source.tree().ignore().source() + ")"
                : "";
        return StrataException.input(req.instruction() + " " + raw + ": not found in the " + source.description() + hint
                + "; source paths are relative to its root and cannot leave it");
    }

    private StrataException unsupportedGit(String what) {
        return StrataException.input("ADD " + what + ": git sources are not supported yet; clone the repository"
                + " into the build context (or a stage) and COPY it");
    }
}
