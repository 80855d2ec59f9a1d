package dev.strata.engine;

import dev.strata.error.StrataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code --output}: {@code type=oci,dest=DIR|FILE} (a directory gets an OCI layout, a file an
 * oci-archive tar), {@code type=docker,dest=FILE} (a {@code docker load} tar), or the image's
 * files as buildx writes them: {@code type=local,dest=DIR} (the final filesystem) and
 * {@code type=tar,dest=FILE} (that filesystem as one tar). {@code -} alone is {@code type=tar,dest=-};
 * a {@code dest=-} (stdout) is resolved by the CLI, the engine always writes a path.
 */
public record OutputSpec(Type type, Path dest) {
    /** The export formats. */
    public enum Type {
        OCI,
        DOCKER,
        LOCAL,
        TAR
    }

    /** Whether {@code dest=-} (stdout) was asked for; the CLI swaps in a temp file and copies it out. */
    public boolean toStdout() {
        return dest.toString().equals("-");
    }

    /** The same export into {@code file}. */
    public OutputSpec withDest(Path file) {
        return new OutputSpec(type, file);
    }

    /** Parses {@code type=oci,dest=out} (a bare path means an OCI layout directory, {@code -} a tar on stdout). */
    public static OutputSpec parse(String spec) {
        if (spec.strip().equals("-")) {
            return new OutputSpec(Type.TAR, Path.of("-"));
        }
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
        Type t = switch (type) {
            case "oci" -> Type.OCI;
            case "docker" -> Type.DOCKER;
            case "local" -> Type.LOCAL;
            case "tar" -> Type.TAR;
            case "image", "registry" ->
                throw StrataException.input("--output type=" + type + " is not supported: the image is always"
                        + " stored locally; use -t NAME and --push to send it to a registry");
            default ->
                throw StrataException.input("--output type=" + type + " is not supported: use type=oci,dest=DIR|FILE,"
                        + " type=docker,dest=FILE, type=local,dest=DIR or type=tar,dest=FILE");
        };
        for (String key : kv.keySet()) {
            if (!key.equals("type") && !key.equals("dest")) {
                throw StrataException.input("--output \"" + spec + "\": the key '" + key
                        + "' is not supported; strata takes type= and dest= only");
            }
        }
        if (dest == null || dest.isEmpty()) {
            throw StrataException.input("--output \"" + spec + "\" needs dest=PATH (e.g. type=oci,dest=out.tar)");
        }
        if (t == Type.LOCAL && dest.equals("-")) {
            throw StrataException.input("--output type=local needs a directory; use type=tar,dest=- for stdout");
        }
        return new OutputSpec(t, Path.of(dest));
    }
}
