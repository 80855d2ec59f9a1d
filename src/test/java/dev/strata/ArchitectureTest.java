package dev.strata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package rules of docs/ARCHITECTURE.md: a package may use only the packages listed for it.
 * A plain scan of every reference to {@code dev.strata.X} in main sources (imports and fully
 * qualified names), so that a new dependency fails here before it becomes a cycle.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dev/strata");

    /** Package → packages it may use ("error" is the shared exception family, usable by all). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("error", Set.of()),
            Map.entry("oci", Set.of("error")),
            Map.entry("archive", Set.of("error", "oci")),
            Map.entry("store", Set.of("error", "oci", "archive")),
            Map.entry("registry", Set.of("error", "oci")),
            Map.entry("dockerfile", Set.of("error")),
            Map.entry("context", Set.of("error", "oci")),
            Map.entry("cache", Set.of("error", "oci", "store", "registry")),
            Map.entry("exec", Set.of("error", "oci", "archive", "store")),
            Map.entry(
                    "engine",
                    Set.of(
                            "error",
                            "oci",
                            "archive",
                            "store",
                            "registry",
                            "dockerfile",
                            "context",
                            "cache",
                            "exec",
                            "progress")),
            Map.entry("progress", Set.of("error")),
            Map.entry(
                    "cli",
                    Set.of(
                            "error",
                            "oci",
                            "archive",
                            "store",
                            "registry",
                            "dockerfile",
                            "context",
                            "cache",
                            "exec",
                            "engine",
                            "progress")));

    private static final Pattern REF = Pattern.compile("\\bdev\\.strata\\.([a-z]+)\\b");

    @Test
    void everyPackageUsesOnlyWhatItMay() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    violations.add(file + ": package dev.strata." + pkg + " is not in the architecture map");
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REF.matcher(line);
                    while (m.find()) {
                        String used = m.group(1);
                        if (!used.equals(pkg) && !allowed.contains(used)) {
                            violations.add(file + ":" + (i + 1) + ": " + pkg + " may not use " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        try (Stream<Path> dirs = Files.list(MAIN)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                assertThat(dir.resolve("package-info.java"))
                        .as("package-info in " + dir)
                        .exists();
            }
        }
    }
}
