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

    /** {@code id=x,src=FILE} or {@code id=x,env=VAR} (also {@code source=}, {@code type=file|env}). */
    static Map<String, byte[]> secrets(List<String> specs, Function<String, String> environment) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String spec : specs) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : spec.split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw StrataException.input("--secret \"" + spec + "\": '" + part + "' is not key=value;"
                            + " use --secret id=ID,src=FILE or id=ID,env=VAR");
                }
                kv.put(part.substring(0, eq).trim(), part.substring(eq + 1));
            }
            String id = kv.get("id");
            if (id == null || id.isEmpty()) {
                throw StrataException.input("--secret \"" + spec + "\" needs id=ID");
            }
            String src = kv.getOrDefault("src", kv.get("source"));
            String env = kv.get("env");
            if (src != null) {
                try {
                    out.put(id, Files.readAllBytes(Path.of(src)));
                } catch (IOException e) {
                    throw StrataException.input("--secret id=" + id + ": cannot read " + src + ": " + e.getMessage());
                }
            } else {
                String var = env != null ? env : id;
                String value = environment.apply(var);
                if (value == null) {
                    throw StrataException.input(
                            "--secret id=" + id + ": the environment variable " + var + " is not set");
                }
                out.put(id, value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
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
