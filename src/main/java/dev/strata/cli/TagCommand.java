package dev.strata.cli;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strata tag SOURCE TARGET}: another name for an image of the store, as docker tag does. */
@Command(
        name = "tag",
        mixinStandardHelpOptions = true,
        description = "Give an image of the local store another name (NAME[:TAG]; the tag defaults to latest).")
public final class TagCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "the image, as tagged in the store (or NAME@DIGEST)")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "the new name, e.g. registry.example/app:1")
    String target;

    @Override
    public void run() {
        Store store = Store.open(StoreHome.resolve());
        Descriptor d = StoreRefs.find(store, source);
        Reference to = StoreRefs.tagged(target);
        // a plain tag: the target names no registry that holds the layers (only a pull's tag does)
        store.tag(to.familiar(), to.toString(), d);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Tagged %s as %s (%s)%n", source, to.familiar(), d.digest());
        out.flush();
    }
}
