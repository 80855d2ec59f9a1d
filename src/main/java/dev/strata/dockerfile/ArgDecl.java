package dev.strata.dockerfile;

import java.util.Optional;

/** One name of an ARG line, with its default if written {@code NAME=default}. */
public record ArgDecl(String name, Optional<String> defaultValue) {}
