package dev.strata.oci;

import dev.strata.error.StrataException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference in docker's grammar, normalised as docker does:
 * {@code python:3.7-slim} is {@code docker.io/library/python:3.7-slim}; a reference with neither tag
 * nor digest gets the tag {@code latest}.
 */
public record Reference(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[a-fA-F0-9:.]+\\])(?::[0-9]+)?");
    private static final int MAX_NAME = 255;

    public Reference {
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
    }

    /** Parses and normalises a reference; the error says what is wrong with it. */
    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw StrataException.input("invalid reference format: the image reference is empty");
        }
        String rest = text;
        Optional<Digest> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Optional.of(Digest.parse(rest.substring(at + 1)));
            } catch (StrataException e) {
                throw StrataException.input("invalid reference '" + text + "': " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            String t = rest.substring(colon + 1);
            if (!TAG.matcher(t).matches()) {
                throw StrataException.input("invalid reference '" + text + "': tag '" + t
                        + "' must be 1-128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'");
            }
            tag = Optional.of(t);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw StrataException.input("invalid reference '" + text + "': the repository name is empty");
        }
        if (rest.length() > MAX_NAME) {
            throw StrataException.input(
                    "invalid reference '" + text + "': the repository name is longer than " + MAX_NAME + " characters");
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".")
                    || first.contains(":")
                    || first.equals("localhost")
                    || first.startsWith("[")
                    || !first.equals(first.toLowerCase(Locale.ROOT))) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw StrataException.input(
                            "invalid reference '" + text + "': '" + first + "' is not a valid registry host[:port]");
                }
                registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
                path = rest.substring(slash + 1);
            }
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                String why = !component.equals(component.toLowerCase(Locale.ROOT))
                        ? "repository names must be lowercase"
                        : "each path component must be lowercase letters and digits, separated by '.', '_', '__' or '-'";
                throw StrataException.input("invalid reference '" + text + "': '" + component + "': " + why);
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new Reference(registry, path, tag, digest);
    }

    /** The same repository at a digest (tag kept for display). */
    public Reference withDigest(Digest d) {
        return new Reference(registry, repository, tag, Optional.of(d));
    }

    /** The same repository at another tag, with no digest. */
    public Reference withTag(String t) {
        return new Reference(registry, repository, Optional.of(t), Optional.empty());
    }

    /** What a tag in a store names: the reference at its tag without the digest, or as it is when untagged. */
    public Reference asTagged() {
        return tag.map(this::withTag).orElse(this);
    }

    /** What to ask the registry for: the digest when there is one, else the tag. */
    public String identifier() {
        return digest.map(Digest::toString).orElseGet(tag::orElseThrow);
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The short form docker prints: {@code python:3.7-slim} rather than docker.io/library/…. */
    public String familiar() {
        String n = name();
        if (registry.equals(DOCKER_HUB)) {
            n = repository.startsWith("library/") && repository.indexOf('/', 8) < 0
                    ? repository.substring(8)
                    : repository;
        }
        return n + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }

    @Override
    public String toString() {
        return name()
                + tag.map(t -> ":" + t).orElse("")
                + digest.map(d -> "@" + d).orElse("");
    }
}
