package dev.strata.cli;

import dev.strata.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata prune}: deletes blobs no tag or cache record reaches. */
@Command(name = "prune", description = "Delete blobs in the local store that no tag or cache record reaches.")
public final class PruneCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Store store = Store.open(StoreHome.resolve());
        int n = store.prune();
        spec.commandLine().getOut().println("removed " + n + " unreachable blob(s) from " + store.root());
        spec.commandLine().getOut().flush();
    }
}
