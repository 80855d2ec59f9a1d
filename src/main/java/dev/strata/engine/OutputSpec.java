package dev.strata.engine;

import dev.strata.error.StrataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code --output}: {@code type=oci,dest=DIR|FILE} (a directory gets an OCI layout, a file an
 * oci-archive tar) or {@code type=docker,dest=FILE} (a {@code docker load} tar).
 */
public record OutputSpec(Type type, Path dest) {
    /** The export formats. */
    public enum Type {
        OCI,
        DOCKER
    }

    /** Parses {@code type=oci,dest=out} (a bare path means an OCI layout directory). */
    public static OutputSpec parse(String spec) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (!spec.contains("=")) {
                    return new OutputSpec(Type.OCI, Path.of(spec));
                }
                throw StrataException.input("--output \"" + spec + "\": '" + part + "' is not key=value");
            }
            kv.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        String type = kv.getOrDefault("type", "oci");
        String dest = kv.get("dest");
        if (dest == null || dest.isEmpty()) {
            throw StrataException.input("--output \"" + spec + "\" needs dest=PATH (e.g. type=oci,dest=out.tar)");
        }
        Type t = switch (type) {
            case "oci" -> Type.OCI;
            case "docker" -> Type.DOCKER;
            default ->
                throw StrataException.input("--output type=" + type
                        + " is not supported: use type=oci,dest=DIR|FILE or type=docker,dest=FILE");
        };
        return new OutputSpec(t, Path.of(dest));
    }
}
