package dev.strata.cli;

import dev.strata.engine.LayerFetcher;
import dev.strata.engine.LayerOrigins;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Image;
import dev.strata.registry.RegistryClient;
import dev.strata.store.ImageExport;
import dev.strata.store.Store;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata save}: an image of the store as an oci-archive, a docker-archive or an OCI layout directory. */
@Command(
        name = "save",
        mixinStandardHelpOptions = true,
        description =
                "Write an image of the local store to a file: oci-archive, docker-archive (docker load) or an OCI layout directory.")
public final class SaveCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    RegistryFlags flags = new RegistryFlags();

    @CommandLine.Parameters(index = "0", paramLabel = "REF", description = "the image, as tagged in the store")
    String ref;

    @CommandLine.Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "where to write (a directory for oci-dir)")
    Path output;

    @CommandLine.Option(
            names = "--format",
            defaultValue = "oci",
            paramLabel = "oci|docker|oci-dir",
            description =
                    "oci (oci-archive tar, default), docker (docker-archive for docker load), oci-dir (OCI layout directory)")
    String format;

    @Override
    public void run() {
        if (!format.equals("oci") && !format.equals("docker") && !format.equals("oci-dir")) {
            throw StrataException.input("unknown --format '" + format + "': use oci, docker or oci-dir");
        }
        Store store = Store.open(StoreHome.resolve());
        Descriptor d = StoreRefs.find(store, ref);
        String name = d.annotations().getOrDefault(Store.REF_NAME, ref);
        // an image built FROM a registry base may lack base layers no step needed: fetch them from their origin
        Image image = LayerOrigins.complete(
                store, store.image(d), new LayerFetcher(store, RegistryClient.create(flags.options())));
        if (format.equals("oci-dir")) {
            ImageExport.writeOciLayout(image, store, output, name);
        } else {
            writeFile(store, image, name);
        }
        spec.commandLine().getOut().println(image.manifest().digest());
        spec.commandLine().getOut().flush();
    }

    /** Writes to a temp name beside the target and renames it, so a failure leaves no half archive. */
    private void writeFile(Store store, Image image, String name) {
        Path abs = output.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw StrataException.input("-o " + output + " is a directory; give a file name such as image.tar");
        }
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".strata-tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                if (format.equals("docker")) {
                    ImageExport.writeDockerArchive(image, store, out, name);
                } else {
                    ImageExport.writeOciArchive(image, store, out, name);
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw StrataException.environment(
                    "cannot write " + output + ": " + e.getMessage()
                            + "; check the directory exists and has free space",
                    e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
