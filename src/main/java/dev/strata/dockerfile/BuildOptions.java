package dev.strata.dockerfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a build asks of the Dockerfile: {@code --build-arg}s, {@code --target}, the build and
 * target platforms as {@code os/arch[/variant]}, and {@code --label}s for the final image (as
 * BuildKit hands them to its Dockerfile frontend), and the {@code --build-context} named contexts:
 * a lower-case name to {@code docker-image://REF}, {@code oci-layout://DIR[:TAG]} or a directory.
 */
public record BuildOptions(
        Map<String, String> buildArgs,
        Optional<String> target,
        String buildPlatform,
        String targetPlatform,
        Map<String, String> labels,
        Map<String, String> namedContexts) {
    public BuildOptions {
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        namedContexts = Collections.unmodifiableMap(new LinkedHashMap<>(namedContexts));
    }

    public BuildOptions(
            Map<String, String> buildArgs,
            Optional<String> target,
            String buildPlatform,
            String targetPlatform,
            Map<String, String> labels) {
        this(buildArgs, target, buildPlatform, targetPlatform, labels, Map.of());
    }

    /** The image a named context stands for: the REF of docker-image://REF, or the oci-layout:// reference. */
    public Optional<String> imageContext(String name) {
        return Optional.ofNullable(namedContexts.get(name.toLowerCase(Locale.ROOT)))
                .filter(v -> v.startsWith("docker-image://") || v.startsWith("oci-layout://"))
                .map(v -> v.startsWith("docker-image://") ? v.substring("docker-image://".length()) : v);
    }

    /** The directory a named context stands for. */
    public Optional<String> directoryContext(String name) {
        return Optional.ofNullable(namedContexts.get(name.toLowerCase(Locale.ROOT)))
                .filter(v -> imageContext(name).isEmpty());
    }

    /** {@code --build-context}s, by lower-case name. */
    public BuildOptions withNamedContexts(Map<String, String> c) {
        return new BuildOptions(buildArgs, target, buildPlatform, targetPlatform, labels, c);
    }

    public BuildOptions(
            Map<String, String> buildArgs, Optional<String> target, String buildPlatform, String targetPlatform) {
        this(buildArgs, target, buildPlatform, targetPlatform, Map.of());
    }

    /** Build args and target; both platforms the host's. */
    public static BuildOptions of(Map<String, String> buildArgs, Optional<String> target) {
        String host = hostPlatform();
        return new BuildOptions(buildArgs, target, host, host);
    }

    public static BuildOptions defaults() {
        return of(Map.of(), Optional.empty());
    }

    public BuildOptions withTargetPlatform(String platform) {
        return new BuildOptions(buildArgs, target, buildPlatform, platform, labels, namedContexts);
    }

    /** Labels set on the final image, over the Dockerfile's LABELs of the same name. */
    public BuildOptions withLabels(Map<String, String> l) {
        return new BuildOptions(buildArgs, target, buildPlatform, targetPlatform, l, namedContexts);
    }

    /** {@code linux/amd64} or {@code linux/arm64}... from the JVM's os.arch. */
    public static String hostPlatform() {
        String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        String a = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
        return "linux/" + a;
    }

    /** BUILDPLATFORM, BUILDOS, ..., TARGETVARIANT: the ARGs docker predefines from the platforms. */
    public Map<String, String> platformArgs() {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "BUILD", buildPlatform);
        put(out, "TARGET", targetPlatform);
        return out;
    }

    private static void put(Map<String, String> out, String prefix, String platform) {
        String[] p = platform.split("/");
        out.put(prefix + "PLATFORM", platform);
        out.put(prefix + "OS", p[0]);
        out.put(prefix + "ARCH", p.length > 1 ? p[1] : "");
        out.put(prefix + "VARIANT", p.length > 2 ? p[2] : "");
    }
}
