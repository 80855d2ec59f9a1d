package dev.strata.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A mutable copy of a {@link ContainerConfig}, so config instructions (and {@code import --change})
 * can change one field at a time instead of restating all thirteen.
 */
public final class ConfigEditor {
    public String user;
    public final List<String> env;
    public Optional<List<String>> entrypoint;
    public Optional<List<String>> cmd;
    public String workingDir;
    public final Map<String, String> labels;
    public final TreeSet<String> exposedPorts;
    public final TreeSet<String> volumes;
    public String stopSignal;
    public Optional<Healthcheck> healthcheck;
    public List<String> shell;
    public final List<String> onBuild;
    public boolean argsEscaped;

    public ConfigEditor(ContainerConfig c) {
        user = c.user();
        env = new ArrayList<>(c.env());
        entrypoint = c.entrypoint();
        cmd = c.cmd();
        workingDir = c.workingDir();
        labels = new LinkedHashMap<>(c.labels());
        exposedPorts = new TreeSet<>(c.exposedPorts());
        volumes = new TreeSet<>(c.volumes());
        stopSignal = c.stopSignal();
        healthcheck = c.healthcheck();
        shell = c.shell();
        onBuild = new ArrayList<>(c.onBuild());
        argsEscaped = c.argsEscaped();
    }

    /** Sets {@code name=value} where docker does: in place when the name is already set, else appended. */
    public void setEnv(String name, String value) {
        String entry = name + "=" + value;
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            int eq = e.indexOf('=');
            if ((eq < 0 ? e : e.substring(0, eq)).equals(name)) {
                env.set(i, entry);
                return;
            }
        }
        env.add(entry);
    }

    public ContainerConfig build() {
        return new ContainerConfig(
                user,
                env,
                entrypoint,
                cmd,
                workingDir,
                labels,
                exposedPorts,
                volumes,
                stopSignal,
                healthcheck,
                shell,
                onBuild,
                argsEscaped);
    }

    /**
     * {@code c} with {@code PATH=default} appended when it sets no PATH: docker (BuildKit and classic)
     * and buildah do this for every base, so FROM scratch and imported images get the same PATH in
     * the image config and in RUN.
     */
    public static ContainerConfig withDefaultPath(ContainerConfig c, String defaultPath) {
        if (envMap(c).containsKey("PATH")) {
            return c;
        }
        ConfigEditor e = new ConfigEditor(c);
        e.env.add("PATH=" + defaultPath);
        return e.build();
    }

    /** The environment as a map (later entries win), as the Dockerfile scope wants it. */
    public static Map<String, String> envMap(ContainerConfig c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : c.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                out.put(e.substring(0, eq), e.substring(eq + 1));
            } else if (!e.isEmpty()) {
                out.put(e, "");
            }
        }
        return out;
    }
}
