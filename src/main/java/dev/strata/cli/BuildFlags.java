package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.progress.ProgressListener;
import dev.strata.progress.Renderers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Parsing of strata build's flags that need more than picocli: --secret, --label, --progress, --network, SOURCE_DATE_EPOCH. */
final class BuildFlags {
    private BuildFlags() {}

    /** {@code --label KEY=VALUE} (a bare {@code KEY} is an empty value, as docker takes it); the last of a key wins. */
    static Map<String, String> labels(List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String key = (eq < 0 ? spec : spec.substring(0, eq)).trim();
            if (key.isEmpty()) {
                throw StrataException.input("--label \"" + spec + "\" has no key; use --label KEY=VALUE");
            }
            out.put(key, eq < 0 ? "" : spec.substring(eq + 1));
        }
        return out;
    }

    /**
     * {@code --annotation} as buildx reads it: {@code KEY=VALUE} or {@code manifest:KEY=VALUE} go on
     * the image manifest (strata writes one manifest, no index); the other types buildx knows
     * ({@code index:}, {@code manifest-descriptor:}, {@code index-descriptor:}, a {@code [platform]}
     * filter) name things strata does not make, so they are refused rather than dropped.
     */
    static Map<String, String> annotations(List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw StrataException.input("--annotation \"" + spec + "\" is not KEY=VALUE;"
                        + " use --annotation org.opencontainers.image.source=URL");
            }
            String key = spec.substring(0, eq).strip();
            int colon = key.indexOf(':');
            if (colon >= 0 && key.substring(0, colon).contains("[")) {
                throw StrataException.input("--annotation " + spec + ": strata builds one platform;"
                        + " drop the [platform] filter and use manifest:KEY=VALUE");
            }
            if (colon >= 0) {
                String type = key.substring(0, colon);
                if (!type.equals("manifest")) {
                    throw StrataException.input("--annotation " + spec + ": strata writes one image manifest and"
                            + " no index or descriptor of it; use KEY=VALUE or manifest:KEY=VALUE");
                }
                key = key.substring(colon + 1);
            }
            if (key.isEmpty()) {
                throw StrataException.input("--annotation \"" + spec + "\" has no key");
            }
            out.put(key, spec.substring(eq + 1));
        }
        return out;
    }

    /**
     * {@code --build-context NAME=VALUE} as buildx reads it: VALUE is {@code docker-image://REF},
     * {@code oci-layout://DIR[:TAG]} or a local directory; names are lower-cased like stage names.
     */
    static Map<String, String> buildContexts(List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw StrataException.input("--build-context \"" + spec + "\" is not NAME=VALUE; use NAME=DIR,"
                        + " NAME=docker-image://REF or NAME=oci-layout://DIR");
            }
            String name = spec.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = spec.substring(eq + 1).strip();
            if (value.startsWith("docker-image://") || value.startsWith("oci-layout://")) {
                out.put(name, value);
                continue;
            }
            if (value.contains("://") || value.startsWith("git@") || value.startsWith("target:")) {
                throw StrataException.input("--build-context " + spec + ": strata takes a directory,"
                        + " docker-image://REF or oci-layout://DIR; fetch a URL or git repository into a directory"
                        + " first");
            }
            Path dir = Path.of(value).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw StrataException.input("--build-context " + spec + ": " + dir + " is not a directory");
            }
            out.put(name, dir.toString());
        }
        return out;
    }

    /** BuildKit refuses a secret file larger than this. */
    static final long MAX_SECRET_BYTES = 500 * 1024;

    /**
     * {@code --secret} as buildx reads it: {@code id=ID,src=FILE}, {@code id=ID,env=VAR},
     * {@code type=env,id=ID[,src=VAR]}; keys are case-insensitive, {@code source} is {@code src}.
     * With neither src nor env, the variable named ID is used when it is set, else the file ID.
     */
    static Map<String, byte[]> secrets(List<String> specs, Function<String, String> environment) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String spec : specs) {
            String type = null;
            String id = null;
            String src = null;
            String env = null;
            for (String part : spec.split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw StrataException.input("--secret \"" + spec + "\": '" + part + "' is not key=value;"
                            + " use --secret id=ID,src=FILE or id=ID,env=VAR");
                }
                String value = part.substring(eq + 1);
                switch (part.substring(0, eq).trim().toLowerCase(Locale.ROOT)) {
                    case "type" -> {
                        if (!value.equals("file") && !value.equals("env")) {
                            throw StrataException.input(
                                    "--secret \"" + spec + "\": type=" + value + " is not supported: use file or env");
                        }
                        type = value;
                    }
                    case "id" -> id = value;
                    case "src", "source" -> src = value;
                    case "env" -> env = value;
                    default ->
                        throw StrataException.input("--secret \"" + spec + "\": unexpected key '"
                                + part.substring(0, eq).trim() + "'; the keys are id, type, src (source) and env");
                }
            }
            if (id == null || id.isEmpty()) {
                throw StrataException.input("--secret \"" + spec + "\" needs id=ID");
            }
            if ("env".equals(type) && env == null) {
                env = src == null ? id : src;
                src = null;
            }
            if (src == null && env == null) {
                // docker: the variable of that name if it is set, else the file of that name
                if (environment.apply(id) != null) {
                    env = id;
                } else if (!Files.exists(Path.of(id))) {
                    throw StrataException.input("--secret id=" + id + ": neither the environment variable " + id
                            + " nor a file " + id + " exists; use --secret id=" + id + ",src=FILE or env=VAR");
                } else {
                    src = id;
                }
            }
            out.put(id, src != null ? secretFile(id, src) : secretEnv(id, env, environment));
        }
        return out;
    }

    private static byte[] secretFile(String id, String src) {
        try {
            Path file = Path.of(src);
            if (Files.size(file) > MAX_SECRET_BYTES) {
                throw StrataException.input("--secret id=" + id + ": " + src
                        + " is larger than 500 KiB, the most BuildKit takes; mount a smaller file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw StrataException.input("--secret id=" + id + ": cannot read " + src + ": " + e.getMessage());
        }
    }

    private static byte[] secretEnv(String id, String var, Function<String, String> environment) {
        String value = environment.apply(var);
        if (value == null) {
            throw StrataException.input("--secret id=" + id + ": the environment variable " + var + " is not set");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String network(String n) {
        return switch (n) {
            case "host", "default" -> "host";
            case "none" -> "none";
            default -> throw StrataException.input("--network=" + n + " is not supported: use host or none");
        };
    }

    /** SOURCE_DATE_EPOCH seconds; unset means 1970-01-01 so that builds are reproducible by default. */
    static Instant sourceDateEpoch(String value) {
        if (value == null || value.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw StrataException.input("SOURCE_DATE_EPOCH=" + value + " is not a number of seconds since 1970");
        }
    }

    /** The renderer for {@code --progress}: plain, tty (a live view), json; auto is tty on a terminal, else plain. */
    static ProgressListener renderer(String progress, PrintStream out, boolean terminal) {
        return Renderers.forMode(progress, out, terminal);
    }
}
