package dev.strata.context;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A build context from a git repository, fetched with the system {@code git}: {@code URL#REF:SUBDIR}
 * as docker spells it (both parts optional). Only REF's tree is fetched (depth 1), falling back to
 * every branch and tag when the server will not give a commit by name; the {@code .git} directory
 * is not part of the context, as in BuildKit.
 */
final class GitContext {
    private GitContext() {}

    /** Whether docker reads {@code spec} as a git context rather than a directory or a tarball URL. */
    static boolean isGit(String spec) {
        String l = spec.toLowerCase(Locale.ROOT);
        return SourceKinds.isGit(spec) || l.startsWith("file://") || l.startsWith("github.com/");
    }

    /** Clones {@code spec} into {@code into} (which must not exist); returns the context directory in it. */
    static Path checkout(String spec, Path into) {
        int hash = spec.indexOf('#');
        String url = hash < 0 ? spec : spec.substring(0, hash);
        String fragment = hash < 0 ? "" : spec.substring(hash + 1);
        int colon = fragment.indexOf(':');
        String ref = colon < 0 ? fragment : fragment.substring(0, colon);
        String subdir = colon < 0 ? "" : fragment.substring(colon + 1);
        if (url.toLowerCase(Locale.ROOT).startsWith("github.com/")) {
            url = "https://" + url;
        }
        git(spec, into.getParent(), "init", "-q", into.toString());
        String want = ref.isEmpty() ? "HEAD" : ref;
        if (!tryGit(into, "fetch", "-q", "--depth", "1", "--no-tags", url, want)) {
            // a commit id the server does not serve by name: every branch and tag, then look it up
            git(spec, into, "fetch", "-q", url, "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
            String commit = tryGit(into, "rev-parse", "-q", "--verify", want + "^{commit}")
                    ? want
                    : "refs/remotes/origin/" + want;
            git(spec, into, "checkout", "-q", "--detach", commit);
        } else {
            git(spec, into, "checkout", "-q", "--detach", "FETCH_HEAD");
        }
        if (Files.exists(into.resolve(".gitmodules"))) {
            git(spec, into, "submodule", "update", "-q", "--init", "--recursive", "--depth", "1");
        }
        deleteTree(into.resolve(".git"));
        Path dir = into.resolve(subdir).normalize();
        if (!dir.startsWith(into) || !Files.isDirectory(dir)) {
            throw StrataException.input("git context " + spec + ": " + subdir + " is not a directory of "
                    + (ref.isEmpty() ? "the default branch" : ref) + "; check the part after ':' in #REF:DIR");
        }
        return dir;
    }

    private static boolean tryGit(Path dir, String... args) {
        return run(dir, args).code == 0;
    }

    private static void git(String spec, Path dir, String... args) {
        Result r = run(dir, args);
        if (r.code != 0) {
            throw StrataException.input("git context " + spec + ": git " + args[0] + " failed: " + r.err.strip()
                    + "; check the URL and the ref after '#'");
        }
    }

    private record Result(int code, String err) {}

    private static Result run(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "advice.detachedHead=false"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // never wait on a password prompt: a CI job has nobody to answer it
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        try {
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), err);
        } catch (IOException e) {
            throw new StrataException(
                    ExitCode.ENVIRONMENT, "a git context needs git, which cannot be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.input("interrupted while fetching a git context");
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p :
                    s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }
}
