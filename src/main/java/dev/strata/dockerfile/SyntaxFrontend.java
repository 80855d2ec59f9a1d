package dev.strata.dockerfile;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What strata makes of a {@code # syntax=} directive. strata never runs a frontend image: it reads
 * every Dockerfile with its own parser, which implements docker/dockerfile:1 (and the labs
 * channel's COPY --parents and --exclude). A directive naming that syntax is accepted silently;
 * one naming another frontend or channel gets a warning that says what strata does instead.
 */
final class SyntaxFrontend {
    /** The Dockerfile 1 releases (and the old experimental tags, which 1.x superseded). */
    private static final Pattern STABLE =
            Pattern.compile("latest|1|1\\.[0-9]+(\\.[0-9]+)?|(1\\.[0-9]+(\\.[0-9]+)?-)?experimental|0\\.[0-9.]+");

    private static final Pattern LABS = Pattern.compile("(1(\\.[0-9]+)*-)?labs");

    private SyntaxFrontend() {}

    /** A warning for {@code value}, or empty when strata implements the syntax it names. */
    static Optional<String> check(String value) {
        String ref = value.trim();
        int at = ref.indexOf('@');
        if (at >= 0) {
            ref = ref.substring(0, at);
        }
        ref = ref.replaceFirst("^(docker\\.io|index\\.docker\\.io|registry-1\\.docker\\.io)/", "");
        int colon = ref.lastIndexOf(':');
        String repo = colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
        String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "latest";
        if (repo.equals("docker/dockerfile") && STABLE.matcher(tag).matches()) {
            return Optional.empty();
        }
        if ((repo.equals("docker/dockerfile") && LABS.matcher(tag).matches())
                || repo.equals("docker/dockerfile-upstream")) {
            return Optional.of("syntax " + value + ": strata reads the file as docker/dockerfile:1 plus the labs"
                    + " COPY --parents and --exclude; other labs or upstream-only features are not implemented"
                    + " and fail where they are used");
        }
        if (repo.equals("docker/dockerfile")) {
            return Optional.of("syntax " + value + ": strata implements docker/dockerfile:1, not this version;"
                    + " the file is read as docker/dockerfile:1");
        }
        return Optional.of("syntax " + value + ": strata does not run frontend images; the file is read as"
                + " docker/dockerfile:1 and features of that frontend are not available");
    }
}
