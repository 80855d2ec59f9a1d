package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import java.util.Locale;

/**
 * An image platform. Architectures and variants are normalised the way containerd does
 * ({@code x86_64} is amd64, arm64's default variant is v8, arm's is v7) so that two spellings of
 * one platform compare equal.
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        os = os == null ? "" : os.toLowerCase(Locale.ROOT);
        architecture = normaliseArch(architecture == null ? "" : architecture.toLowerCase(Locale.ROOT));
        variant = normaliseVariant(architecture, variant == null ? "" : variant.toLowerCase(Locale.ROOT));
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw StrataException.input(
                    "invalid platform '" + text + "': expected OS/ARCH[/VARIANT], e.g. linux/amd64");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /** The platform of this machine (what a RUN step can execute). */
    public static Platform host() {
        return new Platform("linux", System.getProperty("os.arch"), "");
    }

    /** True if an image made for {@code this} runs as {@code wanted}: same os, arch and variant. */
    public boolean matches(Platform wanted) {
        return os.equals(wanted.os) && architecture.equals(wanted.architecture) && variant.equals(wanted.variant);
    }

    /** The variant as written in JSON: empty for the architectures' defaults. */
    private static String normaliseVariant(String arch, String variant) {
        String a = normaliseArch(arch);
        if (a.equals("arm64") && (variant.equals("v8") || variant.equals("8"))) {
            return "";
        }
        if (a.equals("arm") && (variant.isEmpty() || variant.equals("7"))) {
            return "v7";
        }
        if (a.equals("amd64") && variant.equals("v1")) {
            return "";
        }
        return variant;
    }

    private static String normaliseArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "armhf", "armel", "arm" -> "arm";
            case "i386", "i686", "x86", "386" -> "386";
            default -> arch;
        };
    }

    static Platform fromJson(JsonNode node) {
        return new Platform(
                OciJson.text(node, "os"), OciJson.text(node, "architecture"), OciJson.text(node, "variant"));
    }

    void writeTo(ObjectNode node) {
        node.put("architecture", architecture);
        node.put("os", os);
        if (!variant.isEmpty()) {
            node.put("variant", variant);
        }
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
