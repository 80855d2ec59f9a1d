package dev.strata.cli;

import dev.strata.error.ExitCode;
import dev.strata.store.Store;
import dev.strata.store.StoreProblem;
import dev.strata.store.StoreReport;
import dev.strata.store.StoreVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** The output of {@code strata doctor --verify [--repair]}: one line per problem, then the verdict. */
final class StoreVerifyReport {
    private StoreVerifyReport() {}

    static int run(Path home, boolean repair, PrintWriter out) {
        Store store = Store.open(home);
        StoreReport r = StoreVerifier.verify(store);
        print(r, out);
        if (repair && !r.problems().isEmpty()) {
            StoreReport after = StoreVerifier.repair(store, r);
            for (StoreProblem p : r.problems()) {
                out.println("repaired  " + p.what() + ": " + p.repair().describe());
            }
            out.println();
            out.println("after repair:");
            print(after, out);
            r = after;
        }
        out.println();
        if (r.consistent()) {
            out.println("store " + r.root() + " is consistent"
                    + (r.problems().isEmpty()
                            ? ""
                            : " (leftover temp files only take space: `strata prune` removes them)"));
        } else {
            long n = r.problems().stream().filter(StoreProblem::breaks).count();
            out.println("store " + r.root() + " has " + n + " broken entr" + (n == 1 ? "y" : "ies")
                    + ": run `strata doctor --verify --repair` to remove them, then pull or build again");
        }
        out.flush();
        return r.consistent() ? ExitCode.OK.code() : ExitCode.ENVIRONMENT.code();
    }

    private static void print(StoreReport r, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "checked %d blob(s) (%s), %d tag(s), %d ref(s), %d skeleton(s) in %s%n",
                r.blobs(),
                size(r.bytes()),
                r.tags(),
                r.refs(),
                r.skeletons(),
                r.root());
        if (r.absentLayers() > 0) {
            out.println("note      " + r.absentLayers() + " layer(s) not downloaded: they stay in their registry"
                    + " until a step or an --output needs their files");
        }
        for (StoreProblem p : r.problems()) {
            out.printf(
                    Locale.ROOT,
                    "%-9s %s: %s (--repair: %s)%n",
                    p.breaks() ? "broken" : "leftover",
                    p.what(),
                    p.detail(),
                    p.repair().describe());
        }
    }

    private static String size(long bytes) {
        return bytes < 1 << 20
                ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}
