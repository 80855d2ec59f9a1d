package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code RUN --mount=...}: its type and options (aliases normalised: dst/destination to target,
 * src to source, readwrite to rw, readonly to ro). Values are validated once they hold no variables.
 */
public record Mount(MountType type, Map<String, String> options, Position position) {
    private static final Map<MountType, Set<String>> ALLOWED = Map.of(
            MountType.BIND, Set.of("target", "source", "from", "rw", "ro"),
            MountType.CACHE, Set.of("target", "id", "ro", "rw", "sharing", "from", "source", "mode", "uid", "gid"),
            MountType.TMPFS, Set.of("target", "size"),
            MountType.SECRET, Set.of("id", "target", "env", "required", "mode", "uid", "gid"),
            MountType.SSH, Set.of("id", "target", "required", "mode", "uid", "gid"));

    public Mount {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses the value of one {@code --mount} flag. */
    static Mount parse(String spec, Position at) {
        MountType type = MountType.BIND;
        Map<String, String> opts = new LinkedHashMap<>();
        for (String field : csv(spec, at)) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : field.substring(eq + 1);
            key = switch (key) {
                case "dst", "destination" -> "target";
                case "src" -> "source";
                case "readwrite" -> "rw";
                case "readonly" -> "ro";
                default -> key;
            };
            if (key.equals("type")) {
                if (value == null) {
                    throw new DockerfileException(at, "--mount type needs a value: bind, cache, tmpfs, secret or ssh");
                }
                type = switch (value) {
                    case "bind" -> MountType.BIND;
                    case "cache" -> MountType.CACHE;
                    case "tmpfs" -> MountType.TMPFS;
                    case "secret" -> MountType.SECRET;
                    case "ssh" -> MountType.SSH;
                    default ->
                        throw new DockerfileException(
                                at, "unsupported mount type \"" + value + "\": use bind, cache, tmpfs, secret or ssh");
                };
                continue;
            }
            if (value == null && !Set.of("rw", "ro", "required").contains(key)) {
                throw new DockerfileException(at, "--mount option " + key + " needs a value (" + key + "=...)");
            }
            if (opts.containsKey(key)) {
                throw new DockerfileException(at, "--mount option " + key + " is given more than once");
            }
            opts.put(key, value == null ? "true" : value);
        }
        for (String key : opts.keySet()) {
            if (!ALLOWED.get(type).contains(key)) {
                throw new DockerfileException(
                        at,
                        "unexpected key '" + key + "' in --mount of type " + type.text() + " (it takes "
                                + String.join(
                                        ", ",
                                        ALLOWED.get(type).stream().sorted().toList()) + ")");
            }
        }
        Mount m = new Mount(type, opts, at);
        if (opts.values().stream().noneMatch(v -> v.indexOf('$') >= 0)) {
            m.validate();
        }
        return m;
    }

    /** Checks the values (after expansion): targets, sharing, modes, ids, sizes, booleans. */
    Mount validate() {
        if ((type == MountType.BIND || type == MountType.CACHE || type == MountType.TMPFS) && target().isEmpty()) {
            throw new DockerfileException(position, "--mount type=" + type.text() + " needs a target (target=/path)");
        }
        if (type == MountType.SECRET && id().isEmpty() && target().isEmpty() && env().isEmpty()) {
            throw new DockerfileException(position, "--mount type=secret needs an id or a target");
        }
        for (String b : Set.of("rw", "ro", "required")) {
            String v = options.get(b);
            if (v != null && !v.equals("true") && !v.equals("false")) {
                throw new DockerfileException(
                        position, "--mount option " + b + " takes true or false, not \"" + v + "\"");
            }
        }
        if (options.containsKey("ro") && options.containsKey("rw")) {
            throw new DockerfileException(position, "--mount takes one of ro (readonly) and rw (readwrite), not both");
        }
        String sharing = options.get("sharing");
        if (sharing != null && !Set.of("shared", "private", "locked").contains(sharing)) {
            throw new DockerfileException(
                    position, "--mount sharing must be shared, private or locked, not \"" + sharing + "\"");
        }
        String mode = options.get("mode");
        if (mode != null && !mode.matches("[0-7]{1,4}")) {
            throw new DockerfileException(position, "--mount mode must be octal (like 0755), not \"" + mode + "\"");
        }
        for (String id : Set.of("uid", "gid")) {
            String v = options.get(id);
            if (v != null && !v.matches("[0-9]{1,10}")) {
                throw new DockerfileException(position, "--mount " + id + " must be a number, not \"" + v + "\"");
            }
        }
        String size = options.get("size");
        if (size != null && parseSize(size) < 0) {
            throw new DockerfileException(
                    position, "--mount size must be bytes with an optional unit (64m, 1g), not \"" + size + "\"");
        }
        return this;
    }

    public Optional<String> target() {
        return Optional.ofNullable(options.get("target"));
    }

    public Optional<String> source() {
        return Optional.ofNullable(options.get("source"));
    }

    /** The stage, index or image that a bind or cache mount reads from. */
    public Optional<String> from() {
        return Optional.ofNullable(options.get("from"));
    }

    public Optional<String> id() {
        return Optional.ofNullable(options.get("id"));
    }

    public Optional<String> env() {
        return Optional.ofNullable(options.get("env"));
    }

    /**
     * Bind mounts are read-only unless {@code rw} (or {@code ro=false}); cache mounts are writable
     * unless {@code ro}. BuildKit takes both spellings on both types.
     */
    public boolean readOnly() {
        return switch (type) {
            case BIND ->
                options.containsKey("ro") ? "true".equals(options.get("ro")) : !"true".equals(options.get("rw"));
            case CACHE ->
                options.containsKey("ro") ? "true".equals(options.get("ro")) : "false".equals(options.get("rw"));
            default -> false;
        };
    }

    public boolean required() {
        return "true".equals(options.get("required"));
    }

    /** {@code shared} (default), {@code private} or {@code locked}. */
    public String sharing() {
        return options.getOrDefault("sharing", "shared");
    }

    /** The file mode: given, or the type's default (cache 0755, secret 0400, ssh 0600). */
    public int mode() {
        String m = options.get("mode");
        if (m != null) {
            return Integer.parseInt(m, 8);
        }
        return switch (type) {
            case SECRET -> 0400;
            case SSH -> 0600;
            default -> 0755;
        };
    }

    public int uid() {
        return Integer.parseInt(options.getOrDefault("uid", "0"));
    }

    public int gid() {
        return Integer.parseInt(options.getOrDefault("gid", "0"));
    }

    /** tmpfs size in bytes, if limited. */
    public Optional<Long> size() {
        return Optional.ofNullable(options.get("size")).map(Mount::parseSize);
    }

    Mount expand(Expander x, Node node) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, x.word(node, v)));
        Mount m = new Mount(type, out, position);
        return out.values().stream().anyMatch(v -> v.indexOf('$') >= 0) ? m : m.validate();
    }

    static long parseSize(String s) {
        Matcher m = Pattern.compile("(?i)([0-9]+(?:\\.[0-9]+)?)\\s*([kmgtp]?)(i?b)?")
                .matcher(s.trim());
        if (!m.matches()) {
            return -1;
        }
        int shift = "kmgtp"
                        .indexOf(Character.toLowerCase(
                                m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)))
                + 1;
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, shift));
    }

    private static List<String> csv(String spec, Position at) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        if (quoted) {
            throw new DockerfileException(at, "--mount value has an unterminated quote");
        }
        out.add(b.toString());
        out.removeIf(String::isBlank);
        return out;
    }
}
