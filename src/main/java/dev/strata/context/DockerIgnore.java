package dev.strata.context;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of a .dockerignore file, read and applied as docker (BuildKit) does.
 *
 * <p>Reading: a UTF-8 BOM is dropped; a line whose first column is {@code #} is a comment; every
 * other line is trimmed, blank lines are skipped; {@code !} starts an exception; the pattern is
 * cleaned like Go's {@code filepath.Clean} and a leading {@code /} is dropped, so {@code /foo},
 * {@code ./foo} and {@code foo/} all mean {@code foo}. Matching: a path is excluded when the last
 * line that matches it, or one of its parent directories, is not an exception.
 */
public final class DockerIgnore {
    private static final DockerIgnore NONE = new DockerIgnore("(none)", List.of());

    private final String source;
    private final List<IgnorePattern> patterns;
    private final boolean hasExceptions;

    private DockerIgnore(String source, List<IgnorePattern> patterns) {
        this.source = source;
        this.patterns = List.copyOf(patterns);
        this.hasExceptions = patterns.stream().anyMatch(IgnorePattern::exception);
    }

    /** No rules: nothing is excluded. */
    public static DockerIgnore none() {
        return NONE;
    }

    /**
     * Parses the text of an ignore file; {@code sourceName} names it in errors (a bad pattern is
     * reported as {@code name:line}, exit 2).
     */
    public static DockerIgnore parse(String text, String sourceName) {
        List<IgnorePattern> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (n == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.startsWith("#")) {
                continue;
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean exception = line.charAt(0) == '!';
            if (exception) {
                line = line.substring(1).strip();
            }
            if (!line.isEmpty()) {
                line = GoPath.clean(line);
                if (line.length() > 1 && line.charAt(0) == '/') {
                    line = line.substring(1);
                }
            }
            String where = sourceName + ":" + (n + 1);
            if (exception && line.isEmpty()) {
                throw StrataException.input(where + ": a '!' must be followed by a pattern; write the path to"
                        + " re-include after it, e.g. '!README.md'");
            }
            try {
                out.add(IgnorePattern.compile(line, exception));
            } catch (GoGlob.BadPattern e) {
                throw StrataException.input(where + ": invalid pattern '" + lines[n].strip() + "': " + e.getMessage()
                        + "; patterns use Go's filepath.Match syntax (* ? [a-z] \\x) plus **");
            }
        }
        return new DockerIgnore(sourceName, out);
    }

    /**
     * Patterns given one per element (COPY/ADD {@code --exclude} values): trimmed, {@code !} for an
     * exception, cleaned, a leading '/' dropped; no comments.
     */
    public static DockerIgnore ofPatterns(List<String> patterns, String sourceName) {
        List<IgnorePattern> out = new ArrayList<>();
        for (String raw : patterns) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean exception = line.charAt(0) == '!';
            if (exception) {
                line = line.substring(1).strip();
                if (line.isEmpty()) {
                    throw StrataException.input(sourceName + ": '!' must be followed by a pattern");
                }
            }
            line = GoPath.clean(line);
            if (line.length() > 1 && line.charAt(0) == '/') {
                line = line.substring(1);
            }
            try {
                out.add(IgnorePattern.compile(line, exception));
            } catch (GoGlob.BadPattern e) {
                throw StrataException.input(sourceName + ": invalid pattern '" + raw + "': " + e.getMessage());
            }
        }
        return new DockerIgnore(sourceName, out);
    }

    /**
     * The ignore file that applies to a build: {@code <Dockerfile-name>.dockerignore} next to the
     * Dockerfile if it exists (BuildKit's rule), else {@code .dockerignore} in the context root, else
     * none.
     */
    public static DockerIgnore load(Path contextDir, Optional<Path> dockerfile) {
        Optional<Path> file = locate(contextDir, dockerfile);
        if (file.isEmpty()) {
            return NONE;
        }
        try {
            return parse(
                    Files.readString(file.get(), StandardCharsets.UTF_8),
                    file.get().toString());
        } catch (IOException e) {
            throw StrataException.input(
                    "cannot read " + file.get() + ": " + e.getMessage()
                            + "; check that the ignore file is a readable UTF-8 text file",
                    e);
        }
    }

    /** Which ignore file {@link #load} would read, if any. */
    public static Optional<Path> locate(Path contextDir, Optional<Path> dockerfile) {
        if (dockerfile.isPresent() && dockerfile.get().getFileName() != null) {
            Path specific = dockerfile.get().resolveSibling(dockerfile.get().getFileName() + ".dockerignore");
            if (Files.isRegularFile(specific)) {
                return Optional.of(specific);
            }
        }
        Path general = contextDir.resolve(".dockerignore");
        return Files.isRegularFile(general) ? Optional.of(general) : Optional.empty();
    }

    /** Where the rules came from (a file path, or a description). */
    public String source() {
        return source;
    }

    /** The compiled rules in file order. */
    public List<IgnorePattern> patterns() {
        return patterns;
    }

    /** Whether there are no rules at all. */
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /**
     * Whether {@code path} (relative to the context root, '/'-separated) is excluded. The context
     * root itself ("." or "") is never excluded.
     */
    public boolean excludes(String path) {
        String p = GoPath.clean(path);
        if (p.startsWith("/")) {
            p = p.length() == 1 ? "." : p.substring(1);
        }
        if (p.equals(".") || patterns.isEmpty()) {
            return false;
        }
        return decide(matchesWithParents(p, null));
    }

    /**
     * Per-pattern results for {@code path} given its parent's results ({@code null} for a child of the
     * root): pattern i matched the path or one of its parents. The walker carries these down the tree
     * so every path costs one test per pattern.
     */
    boolean[] matchesWithParents(String path, boolean[] parent) {
        boolean[] out = new boolean[patterns.size()];
        int lastSlash = path.lastIndexOf('/');
        for (int i = 0; i < out.length; i++) {
            IgnorePattern pat = patterns.get(i);
            if (parent != null && parent[i]) {
                out[i] = true;
            } else if (pat.matches(path)) {
                out[i] = true;
            } else if (parent == null && lastSlash > 0) {
                // no results from above: test each parent directory, as docker does
                for (int s = path.indexOf('/'); s > 0 && s <= lastSlash; s = path.indexOf('/', s + 1)) {
                    if (pat.matches(path.substring(0, s))) {
                        out[i] = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Folds per-pattern results in order: the last matching line decides. */
    boolean decide(boolean[] matched) {
        boolean excluded = false;
        for (int i = 0; i < matched.length; i++) {
            if (matched[i]) {
                excluded = !patterns.get(i).exception();
            }
        }
        return excluded;
    }

    /**
     * Whether an excluded directory must still be entered because an exception might re-include
     * something below it. Without exceptions an excluded directory is skipped whole.
     */
    public boolean mustDescend(String excludedDir) {
        if (!hasExceptions) {
            return false;
        }
        for (IgnorePattern p : patterns) {
            if (p.exception() && p.mayMatchBelow(excludedDir)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "DockerIgnore[" + source + ", " + patterns + "]";
    }
}
