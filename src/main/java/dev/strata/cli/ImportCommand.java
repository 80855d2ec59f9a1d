package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.error.StrataException;
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Descriptor;
import dev.strata.oci.OciJson;
import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.store.ImageImport;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata import}: a root filesystem tarball becomes a one-layer image in the store. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Import a root filesystem tarball (.tar, .tar.gz, .tar.zst) as a one-layer image.")
public final class ImportCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "ROOTFS.tar", description = "the tarball to import")
    Path tarball;

    @CommandLine.Option(
            names = {"-t", "--tag"},
            required = true,
            paramLabel = "NAME[:TAG]",
            description = "tag for the image")
    String tag;

    @CommandLine.Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            description = "platform recorded in the config (default: this machine)")
    Optional<String> platform;

    @CommandLine.Option(
            names = {"-c", "--change"},
            paramLabel = "INSTRUCTION",
            description = "config to set: CMD, ENTRYPOINT (JSON array or shell form), ENV K=V, WORKDIR, USER")
    List<String> changes = new ArrayList<>();

    @Override
    public void run() {
        Reference ref = StoreRefs.tagged(tag);
        Platform p = platform.map(Platform::parse).orElseGet(Platform::host);
        Store store = Store.open(StoreHome.resolve());
        ContainerConfig cfg = ContainerConfig.empty();
        for (String c : changes) {
            cfg = apply(cfg, c);
        }
        Descriptor d = ImageImport.importRootfs(store, tarball, ref.familiar(), ref.toString(), p, cfg);
        spec.commandLine().getOut().println(d.digest());
        spec.commandLine().getOut().flush();
    }

    private static ContainerConfig apply(ContainerConfig c, String change) {
        String[] kv = change.trim().split("\\s+", 2);
        String kw = kv[0].toUpperCase(Locale.ROOT);
        String arg = kv.length > 1 ? kv[1].trim() : "";
        ConfigEditor e = new ConfigEditor(c);
        switch (kw) {
            case "CMD" -> e.cmd = Optional.of(command(arg, change));
            case "ENTRYPOINT" -> e.entrypoint = Optional.of(command(arg, change));
            case "ENV" -> {
                int eq = arg.indexOf('=');
                if (eq < 0) {
                    throw StrataException.input("--change '" + change + "': write ENV NAME=VALUE");
                }
                e.setEnv(arg.substring(0, eq), arg.substring(eq + 1));
            }
            case "WORKDIR" -> e.workingDir = arg;
            case "USER" -> e.user = arg;
            default ->
                throw StrataException.input(
                        "--change '" + change + "': only CMD, ENTRYPOINT, ENV, WORKDIR and USER can be set on import");
        }
        return e.build();
    }

    private static List<String> command(String arg, String change) {
        if (arg.startsWith("[")) {
            List<String> out = new ArrayList<>();
            JsonNode node;
            try {
                node = OciJson.mapper().readTree(arg);
            } catch (IOException e) {
                throw StrataException.input("--change '" + change + "': not valid JSON (" + e.getMessage() + ")");
            }
            if (!node.isArray()) {
                throw StrataException.input("--change '" + change + "': expected a JSON array of strings");
            }
            node.forEach(n -> out.add(n.asText()));
            return out;
        }
        return List.of("/bin/sh", "-c", arg);
    }
}
