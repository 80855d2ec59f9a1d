package dev.strata.context;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wildcard sources as BuildKit resolves them: the elements before the first one with a wildcard
 * are a fixed base (symlinks in it followed); the rest is matched with Go's filepath.Match against
 * paths below the base, a matching directory is taken whole and not searched further.
 */
record Wildcards(String base, List<String> matches) {

    static Wildcards resolve(BuildContext tree, String rel, String raw, String instruction) {
        String[] parts = rel.split("/");
        int first = 0;
        while (first < parts.length && !GoGlob.hasMeta(parts[first])) {
            first++;
        }
        String fixed = String.join("/", Arrays.copyOfRange(parts, 0, first));
        String pattern = String.join("/", Arrays.copyOfRange(parts, first, parts.length));
        try {
            GoGlob.validate(pattern);
        } catch (GoGlob.BadPattern e) {
            throw StrataException.input(instruction + " " + raw + ": invalid wildcard: " + e.getMessage());
        }
        String base = BuildContext.normalize(ScopedPath.resolve(r -> tree.stat(r), "/" + fixed, true));
        List<String> out = new ArrayList<>();
        int depth = parts.length - first;
        walk(tree, base, "", depth, pattern, out);
        return new Wildcards(base, out);
    }

    private static void walk(
            BuildContext tree, String dir, String relFromBase, int depthLeft, String pattern, List<String> out) {
        if (depthLeft <= 0) {
            return;
        }
        for (ContextEntry c : tree.list(dir)) {
            String name = c.path().substring(c.path().lastIndexOf('/') + 1);
            String rel = relFromBase.isEmpty() ? name : relFromBase + "/" + name;
            boolean match;
            try {
                match = GoGlob.match(pattern, rel);
            } catch (GoGlob.BadPattern e) {
                match = false;
            }
            if (match) {
                out.add(c.path());
            } else if (c.type() == FileType.DIRECTORY) {
                walk(tree, c.path(), rel, depthLeft - 1, pattern, out);
            }
        }
    }
}
