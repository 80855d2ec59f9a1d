package dev.strata.cache;

import dev.strata.error.StrataException;
import dev.strata.oci.Reference;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code --cache-from} or {@code --cache-to} value, in BuildKit's syntax: a registry reference
 * ({@code type=registry,ref=R}, or a bare {@code R} for --cache-from as docker takes it) or an OCI
 * layout directory ({@code type=local,src=DIR} / {@code dest=DIR}); {@code mode} matters for export only.
 *
 * @param verifyHits {@code --cache-from ...,verify=full}: the cache is not trusted beyond its bytes, so a
 *                   hit's layer is downloaded and its diffID checked before the step counts as cached,
 *                   and the skeletons it lists are never used (see docs/RELIABILITY.md, the trust model)
 */
public record CacheSpec(
        Type type, String location, Mode mode, CacheRetention retention, CacheMounts mounts, boolean verifyHits) {
    /** Where a cache lives. */
    public enum Type {
        REGISTRY,
        LOCAL,
        /** Attached to the pushed image as an OCI referrer; {@code location} is the image reference (one spec per -t). */
        INLINE
    }

    /** Which steps an export describes: the exported image's (min, BuildKit's default) or every stage's (max). */
    public enum Mode {
        MIN,
        MAX
    }

    private static final String AGE = "max-age";
    private static final String SIZE = "max-size";
    private static final String MOUNTS = "cache-mounts";
    private static final String MOUNTS_SIZE = "cache-mounts-max-size";
    private static final String VERIFY = "verify";

    static final String FROM_FORMS =
            "type=registry,ref=REGISTRY/REPO:TAG[,verify=full], type=local,src=DIR[,verify=full] or a bare"
                    + " REGISTRY/REPO:TAG";
    static final String TO_FORMS =
            "type=registry,ref=REGISTRY/REPO:TAG[,mode=min|max], type=local,dest=DIR[,mode=min|max]"
                    + " or type=inline[,mode=min|max] (with --push), each with [,max-age=14d][,max-size=10g]"
                    + "[,cache-mounts=true|ID,ID...][,cache-mounts-max-size=1g]";

    public CacheSpec(Type type, String location, Mode mode) {
        this(type, location, mode, CacheRetention.DEFAULT);
    }

    public CacheSpec(Type type, String location, Mode mode, CacheRetention retention) {
        this(type, location, mode, retention, CacheMounts.NONE, false);
    }

    /** The registry reference of a registry cache. */
    public Reference reference() {
        return Reference.parse(location);
    }

    /** The directory of a local cache. */
    public Path directory() {
        return Path.of(location);
    }

    /** How a cache names itself in the report: "registry:HOST/REPO:TAG", "dir:/path" or "inline:HOST/REPO:TAG". */
    public String displayName() {
        return switch (type) {
            case REGISTRY -> "registry:" + location;
            case LOCAL -> "dir:" + location;
            case INLINE -> "inline:" + location;
        };
    }

    /** An inline export for one pushed image reference. */
    public CacheSpec forImage(String imageReference) {
        if (type != Type.INLINE) {
            throw new IllegalStateException("only an inline cache is attached to an image");
        }
        return new CacheSpec(
                Type.INLINE, Reference.parse(imageReference).toString(), mode, retention, mounts, verifyHits);
    }

    /** Parses a {@code --cache-from} value; a usage error (exit 2) names the flag, the bad part and the accepted forms. */
    public static CacheSpec parseFrom(String value) {
        if (!value.contains("=")) {
            // docker's form: a reference alone (a reference never holds '=')
            return new CacheSpec(Type.REGISTRY, reference("--cache-from", value, value, FROM_FORMS), Mode.MIN);
        }
        return parse("--cache-from", value, "src", FROM_FORMS);
    }

    /** Parses a {@code --cache-to} value. */
    public static CacheSpec parseTo(String value) {
        return parse("--cache-to", value, "dest", TO_FORMS);
    }

    private static CacheSpec parse(String flag, String value, String dirKey, String forms) {
        Map<String, String> kv = new LinkedHashMap<>();
        String last = "";
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0 && last.equals(MOUNTS) && !part.isBlank()) {
                // cache-mounts=pip,m2: the words after it are more mount ids
                kv.put(MOUNTS, kv.get(MOUNTS) + "," + part.trim());
                continue;
            }
            if (eq <= 0) {
                throw bad(flag, value, "'" + part + "' is not key=value", forms);
            }
            last = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            kv.put(
                    part.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                    part.substring(eq + 1).trim());
        }
        String type = kv.getOrDefault("type", "");
        boolean export = flag.equals("--cache-to");
        Set<String> allowed = switch (type) {
            case "registry" ->
                export ? Set.of("type", "ref", "mode", AGE, SIZE, MOUNTS, MOUNTS_SIZE) : Set.of("type", "ref", VERIFY);
            case "local" ->
                export ? Set.of("type", "dest", "mode", AGE, SIZE, MOUNTS, MOUNTS_SIZE) : Set.of("type", "src", VERIFY);
            // an inline cache is read back through the image: --cache-from IMAGE
            case "inline" -> export ? Set.of("type", "mode", AGE, SIZE, MOUNTS, MOUNTS_SIZE) : Set.of("type");
            default ->
                throw bad(flag, value, type.isEmpty() ? "type= is missing" : "unknown type '" + type + "'", forms);
        };
        for (String k : kv.keySet()) {
            if (!allowed.contains(k)) {
                throw bad(flag, value, "unknown key '" + k + "' for type=" + type, forms);
            }
        }
        CacheRetention retention = CacheRetention.DEFAULT;
        if (kv.containsKey(AGE)) {
            retention = retention.withMaxAge(CacheRetention.parseAge(kv.get(AGE), flag + " \"" + value + "\""));
        }
        if (kv.containsKey(SIZE)) {
            retention = retention.withMaxSize(CacheRetention.parseSize(kv.get(SIZE), flag + " \"" + value + "\""));
        }
        CacheMounts mounts = mounts(kv, flag + " \"" + value + "\"");
        boolean verify = switch (kv.getOrDefault(VERIFY, "digest")) {
            case "digest" -> false;
            case "full" -> true;
            default -> throw bad(flag, value, "verify must be digest or full, not '" + kv.get(VERIFY) + "'", forms);
        };
        // an inline cache is a referrer, not part of the image: carrying every stage costs the image nothing
        String defaultMode = type.equals("inline") ? "max" : "min";
        Mode mode = switch (kv.getOrDefault("mode", defaultMode)) {
            case "min" -> Mode.MIN;
            case "max" -> Mode.MAX;
            default -> throw bad(flag, value, "mode must be min or max, not '" + kv.get("mode") + "'", forms);
        };
        if (type.equals("inline")) {
            if (flag.equals("--cache-from")) {
                throw bad(
                        flag,
                        value,
                        "an inline cache is read through its image: --cache-from REGISTRY/REPO:TAG",
                        forms);
            }
            return new CacheSpec(Type.INLINE, "", mode, retention, mounts, false);
        }
        if (type.equals("registry")) {
            String ref = kv.get("ref");
            if (ref == null || ref.isEmpty()) {
                throw bad(flag, value, "ref= is missing", forms);
            }
            return new CacheSpec(Type.REGISTRY, reference(flag, value, ref, forms), mode, retention, mounts, verify);
        }
        String dir = kv.get(dirKey);
        if (dir == null || dir.isEmpty()) {
            throw bad(flag, value, dirKey + "= is missing", forms);
        }
        return new CacheSpec(
                Type.LOCAL, Path.of(dir).toAbsolutePath().normalize().toString(), mode, retention, mounts, verify);
    }

    /** {@code cache-mounts=true|false|ID,ID...} and {@code cache-mounts-max-size=SIZE}. */
    private static CacheMounts mounts(Map<String, String> kv, String what) {
        String v = kv.getOrDefault(MOUNTS, "false");
        CacheMounts m = switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> new CacheMounts(true, Set.of(), CacheMounts.DEFAULT_MAX_SIZE);
            case "false" -> CacheMounts.NONE;
            default -> {
                Set<String> ids = new TreeSet<>();
                for (String id : v.split(",")) {
                    if (id.isBlank()) {
                        throw StrataException.input(what + ": cache-mounts= names no mount id; use"
                                + " cache-mounts=true (every cache mount) or cache-mounts=ID,ID (the id= of"
                                + " RUN --mount=type=cache, else its target)");
                    }
                    ids.add(id.trim());
                }
                yield new CacheMounts(false, ids, CacheMounts.DEFAULT_MAX_SIZE);
            }
        };
        if (kv.containsKey(MOUNTS_SIZE)) {
            m = m.withMaxSize(CacheRetention.parseSize(kv.get(MOUNTS_SIZE), what));
        }
        return m;
    }

    private static String reference(String flag, String value, String ref, String forms) {
        try {
            return Reference.parse(ref).toString();
        } catch (StrataException e) {
            throw StrataException.input(
                    flag + " \"" + value + "\": '" + ref + "' is not an image reference: " + e.getMessage() + "; use "
                            + forms,
                    e);
        }
    }

    private static StrataException bad(String flag, String value, String why, String forms) {
        return StrataException.input(flag + " \"" + value + "\": " + why + "; use " + forms);
    }
}
