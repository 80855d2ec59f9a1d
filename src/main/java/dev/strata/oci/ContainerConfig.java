package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The runtime defaults of an image (the config's {@code config} object). Entrypoint and Cmd are
 * optional because "unset" and "set to empty" differ for docker.
 */
public record ContainerConfig(
        String user,
        List<String> env,
        Optional<List<String>> entrypoint,
        Optional<List<String>> cmd,
        String workingDir,
        Map<String, String> labels,
        SortedSet<String> exposedPorts,
        SortedSet<String> volumes,
        String stopSignal,
        Optional<Healthcheck> healthcheck,
        List<String> shell,
        List<String> onBuild,
        boolean argsEscaped) {

    public ContainerConfig {
        env = List.copyOf(env);
        entrypoint = entrypoint.map(List::copyOf);
        cmd = cmd.map(List::copyOf);
        labels = Map.copyOf(labels);
        exposedPorts = new TreeSet<>(exposedPorts);
        volumes = new TreeSet<>(volumes);
        shell = List.copyOf(shell);
        onBuild = List.copyOf(onBuild);
    }

    /** The config of {@code FROM scratch}: nothing set. */
    public static ContainerConfig empty() {
        return new ContainerConfig(
                "",
                List.of(),
                Optional.empty(),
                Optional.empty(),
                "",
                Map.of(),
                new TreeSet<>(),
                new TreeSet<>(),
                "",
                Optional.empty(),
                List.of(),
                List.of(),
                false);
    }

    /** The same config with {@code extra} labels set over its own. */
    public ContainerConfig withLabels(Map<String, String> extra) {
        ConfigEditor e = new ConfigEditor(this);
        e.labels.putAll(extra);
        return e.build();
    }

    /** The value of an environment variable, if set. */
    public Optional<String> envValue(String name) {
        String prefix = name + "=";
        for (int i = env.size() - 1; i >= 0; i--) {
            if (env.get(i).startsWith(prefix)) {
                return Optional.of(env.get(i).substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    static ContainerConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return empty();
        }
        return new ContainerConfig(
                text(n, "User"),
                OciJson.strings(n.get("Env")),
                optList(n, "Entrypoint"),
                optList(n, "Cmd"),
                text(n, "WorkingDir"),
                OciJson.stringMap(n.get("Labels")),
                keys(n.get("ExposedPorts")),
                keys(n.get("Volumes")),
                text(n, "StopSignal"),
                n.hasNonNull("Healthcheck")
                        ? Optional.of(Healthcheck.fromJson(n.get("Healthcheck")))
                        : Optional.empty(),
                OciJson.strings(n.get("Shell")),
                OciJson.strings(n.get("OnBuild")),
                n.path("ArgsEscaped").asBoolean());
    }

    ObjectNode toJson() {
        ObjectNode n = OciJson.object();
        if (!user.isEmpty()) {
            n.put("User", user);
        }
        if (!exposedPorts.isEmpty()) {
            ObjectNode p = n.putObject("ExposedPorts");
            exposedPorts.forEach(port -> p.putObject(port));
        }
        if (!env.isEmpty()) {
            OciJson.putStrings(n, "Env", env);
        }
        entrypoint.ifPresent(e -> OciJson.putStrings(n, "Entrypoint", e));
        cmd.ifPresent(c -> OciJson.putStrings(n, "Cmd", c));
        healthcheck.ifPresent(h -> n.set("Healthcheck", h.toJson()));
        if (argsEscaped) {
            n.put("ArgsEscaped", true);
        }
        if (!volumes.isEmpty()) {
            ObjectNode v = n.putObject("Volumes");
            volumes.forEach(vol -> v.putObject(vol));
        }
        if (!workingDir.isEmpty()) {
            n.put("WorkingDir", workingDir);
        }
        if (!labels.isEmpty()) {
            OciJson.putMap(n, "Labels", labels);
        }
        if (!stopSignal.isEmpty()) {
            n.put("StopSignal", stopSignal);
        }
        if (!onBuild.isEmpty()) {
            OciJson.putStrings(n, "OnBuild", onBuild);
        }
        if (!shell.isEmpty()) {
            OciJson.putStrings(n, "Shell", shell);
        }
        return n;
    }

    private static String text(JsonNode n, String field) {
        String v = OciJson.text(n, field);
        return v == null ? "" : v;
    }

    private static Optional<List<String>> optList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(OciJson.strings(v));
    }

    private static SortedSet<String> keys(JsonNode n) {
        SortedSet<String> out = new TreeSet<>();
        if (n != null && n.isObject()) {
            n.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }
}
