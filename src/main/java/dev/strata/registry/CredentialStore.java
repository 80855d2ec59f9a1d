package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.OciJson;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials in docker's config format: {@code auths} (base64 user:password or an
 * identity token), {@code credHelpers} per registry and {@code credsStore} for all, both through
 * {@code docker-credential-NAME get} (and {@code store}/{@code erase} on login and logout). Files read, in order: the explicit auth file
 * ({@code $REGISTRY_AUTH_FILE}), then {@code $DOCKER_CONFIG/config.json} (else ~/.docker). Secrets
 * never appear in an exception message.
 */
public final class CredentialStore {
    /** The key docker uses for Docker Hub in config.json. */
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final RegistryOptions options;

    public CredentialStore(RegistryOptions options) {
        this.options = options;
    }

    /** The file {@code strata login} writes and {@code strata logout} edits. */
    public Path writeTarget() {
        return options.authFile().orElse(options.dockerConfigDir().resolve("config.json"));
    }

    private List<Path> files() {
        List<Path> out = new ArrayList<>();
        options.authFile().ifPresent(out::add);
        Path docker = options.dockerConfigDir().resolve("config.json");
        if (!out.contains(docker)) {
            out.add(docker);
        }
        return out;
    }

    /** The credential for a registry host (as in a {@link Reference}), if one is configured. */
    public Optional<Credential> lookup(String registry) {
        String host = normalise(registry);
        for (Path file : files()) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root = read(file);
            Optional<String> helper = findKey(root.path("credHelpers"), host).map(JsonNode::asText);
            if (helper.isPresent()) {
                return get(helper.get(), host);
            }
            Optional<JsonNode> entry = findKey(root.path("auths"), host);
            if (entry.isPresent()) {
                Optional<Credential> c = decode(entry.get(), file, registry);
                if (c.isPresent()) {
                    return c;
                }
            }
            if (root.hasNonNull("credsStore")
                    && !root.get("credsStore").asText().isBlank()) {
                return get(root.get("credsStore").asText(), host);
            }
        }
        return Optional.empty();
    }

    /**
     * Saves a credential for a registry: through the credential helper {@link #writeTarget()} names
     * for it ({@code credHelpers}, else {@code credsStore}), as docker does, leaving only an empty
     * {@code auths} entry in the file; else base64 in {@code auths} (mode 0600). Returns where it went,
     * for the user: the helper program or the file.
     */
    public String store(String registry, Credential credential) {
        Path file = writeTarget();
        ObjectNode root = Files.isRegularFile(file) ? (ObjectNode) read(file) : OciJson.object();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject()
                ? (ObjectNode) root.get("auths")
                : root.putObject("auths");
        String host = normalise(registry);
        Optional<String> helper = helperFor(root, host);
        if (helper.isPresent()) {
            ObjectNode msg = OciJson.object();
            msg.put("ServerURL", serverUrl(host));
            msg.put("Username", credential.username());
            msg.put("Secret", credential.secret());
            runHelper(helper.get(), host, "store", OciJson.bytes(msg));
        }
        removeKey(auths, host);
        ObjectNode entry = auths.putObject(configKey(registry));
        if (helper.isPresent()) {
            // docker keeps an empty entry: the registry is listed as logged in, the secret is elsewhere
            write(file, OciJson.bytes(root));
            return "docker-credential-" + helper.get();
        }
        if (credential.isIdentityToken()) {
            entry.put("identitytoken", credential.secret());
        } else {
            entry.put(
                    "auth",
                    Base64.getEncoder()
                            .encodeToString((credential.username() + ":" + credential.secret())
                                    .getBytes(StandardCharsets.UTF_8)));
        }
        write(file, OciJson.bytes(root));
        return file.toString();
    }

    /**
     * Removes a registry's saved credential (from its credential helper too, when one is configured);
     * false when there was none.
     */
    public boolean erase(String registry) {
        Path file = writeTarget();
        if (!Files.isRegularFile(file)) {
            return false;
        }
        ObjectNode root = (ObjectNode) read(file);
        String host = normalise(registry);
        boolean erased = false;
        Optional<String> helper = helperFor(root, host);
        if (helper.isPresent()) {
            erased = runHelper(helper.get(), host, "erase", serverUrl(host).getBytes(StandardCharsets.UTF_8))
                    .isPresent();
        }
        if (root.get("auths") instanceof ObjectNode auths && removeKey(auths, host)) {
            write(file, OciJson.bytes(root));
            erased = true;
        }
        return erased;
    }

    /** The helper a config names for a host: its {@code credHelpers} entry, else {@code credsStore}. */
    private static Optional<String> helperFor(JsonNode root, String host) {
        Optional<String> own =
                findKey(root.path("credHelpers"), host).map(JsonNode::asText).filter(n -> !n.isBlank());
        if (own.isPresent()) {
            return own;
        }
        return Optional.ofNullable(root.get("credsStore")).map(JsonNode::asText).filter(n -> !n.isBlank());
    }

    private static String serverUrl(String host) {
        return host.equals(Reference.DOCKER_HUB) ? DOCKER_HUB_KEY : host;
    }

    /** The auths key for a registry: docker's legacy URL for Docker Hub, else host[:port]. */
    static String configKey(String registry) {
        String h = normalise(registry);
        return h.equals(Reference.DOCKER_HUB) ? DOCKER_HUB_KEY : h;
    }

    /** host[:port] of a registry name or config key: no scheme, no path, Docker Hub's aliases folded. */
    static String normalise(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        k = k.replaceFirst("^[a-z]+://", "");
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> Reference.DOCKER_HUB;
            default -> k;
        };
    }

    private static Optional<JsonNode> findKey(JsonNode obj, String host) {
        if (!obj.isObject()) {
            return Optional.empty();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (normalise(e.getKey()).equals(host)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    private static boolean removeKey(ObjectNode obj, String host) {
        List<String> gone = new ArrayList<>();
        obj.fieldNames().forEachRemaining(k -> {
            if (normalise(k).equals(host)) {
                gone.add(k);
            }
        });
        gone.forEach(obj::remove);
        return !gone.isEmpty();
    }

    private static Optional<Credential> decode(JsonNode entry, Path file, String registry) {
        String token = entry.path("identitytoken").asText("");
        if (!token.isEmpty()) {
            return Optional.of(new Credential(Credential.TOKEN_USER, token));
        }
        String auth = entry.path("auth").asText("");
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        String plain;
        try {
            plain = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw StrataException.input("the saved credential for " + registry + " in " + file
                    + " is not valid base64; run `strata login " + registry + "` again");
        }
        int colon = plain.indexOf(':');
        if (colon < 0) {
            throw StrataException.input("the saved credential for " + registry + " in " + file
                    + " is not USER:PASSWORD; run `strata login " + registry + "` again");
        }
        return Optional.of(new Credential(plain.substring(0, colon), plain.substring(colon + 1)));
    }

    private Optional<Credential> get(String name, String host) {
        Optional<byte[]> out = runHelper(name, host, "get", serverUrl(host).getBytes(StandardCharsets.UTF_8));
        if (out.isEmpty()) {
            return Optional.empty();
        }
        JsonNode json = OciJson.parse(out.get(), "docker-credential-" + name + " output");
        String user = json.path("Username").asText("");
        String secret = json.path("Secret").asText("");
        return secret.isEmpty() ? Optional.empty() : Optional.of(new Credential(user, secret));
    }

    /**
     * Runs {@code docker-credential-NAME ACTION} with {@code input} on stdin; its stdout, or empty when
     * it says the credentials are not found. Its output never reaches a message: it may hold secrets.
     */
    private Optional<byte[]> runHelper(String name, String host, String action, byte[] input) {
        String program = "docker-credential-" + name;
        Path exe = options.helperPath().stream()
                .map(d -> d.resolve(program))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> StrataException.environment("credential helper " + program + " (configured for "
                        + host + ") is not on PATH; install it or remove it from the docker config"));
        try {
            Process p = new ProcessBuilder(exe.toString(), action)
                    .redirectErrorStream(false)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            }
            byte[] out;
            byte[] err;
            try (InputStream o = p.getInputStream();
                    InputStream e = p.getErrorStream()) {
                out = o.readAllBytes();
                err = e.readAllBytes();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw StrataException.registry(program + " " + action + " did not answer within 30 s for " + host);
            }
            if (p.exitValue() != 0) {
                String why = (new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8)).trim();
                if (!action.equals("store") && why.toLowerCase(Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw StrataException.registry(program + " " + action + " failed for " + host + " (exit "
                        + p.exitValue() + "); check the helper's setup");
            }
            return Optional.of(out);
        } catch (IOException e) {
            throw StrataException.environment("cannot run " + exe + " for " + host + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StrataException.environment("interrupted while running " + program);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return OciJson.parse(Files.readAllBytes(file), "auth file " + file);
        } catch (IOException e) {
            throw StrataException.environment("cannot read the auth file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID());
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // created 0600 from the start: the secret is never readable by others, not even briefly
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw StrataException.environment("cannot write the auth file " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing secret is left: the move either happened or the file is removed here
            }
        }
    }
}
