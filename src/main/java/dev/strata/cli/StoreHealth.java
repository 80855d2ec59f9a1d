package dev.strata.cli;

import dev.strata.error.StrataException;
import dev.strata.exec.Finding;
import dev.strata.oci.Descriptor;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The store lines of {@code strata doctor}: where it is, whether it can be written, and what is missing. */
final class StoreHealth {
    private static final long LOW_SPACE = 2L << 30;

    private StoreHealth() {}

    static List<Finding> check(Path home) {
        List<Finding> out = new ArrayList<>();
        Store store;
        try {
            store = Store.open(home);
        } catch (StrataException e) {
            out.add(new Finding(
                    "store",
                    Finding.Level.FAIL,
                    home + " cannot be opened: " + e.getMessage(),
                    "set STRATA_HOME (or XDG_DATA_HOME) to a directory this user can write"));
            return out;
        }
        try {
            Path probe = Files.createTempFile(store.root().resolve("tmp"), "doctor-", ".probe");
            Files.delete(probe);
            FileStore fs = Files.getFileStore(store.root());
            long free = fs.getUsableSpace();
            String where = store.root() + " (" + fs.type() + ", " + gib(free) + " free)";
            out.add(
                    free < LOW_SPACE
                            ? new Finding(
                                    "store",
                                    Finding.Level.WARN,
                                    where + ": little space left",
                                    "strata prune, or free disk")
                            : new Finding("store", Finding.Level.OK, where + ", writable", ""));
        } catch (IOException e) {
            out.add(new Finding(
                    "store",
                    Finding.Level.FAIL,
                    store.root() + " is not writable: " + e.getMessage(),
                    "fix its owner, or set STRATA_HOME to a directory this user can write"));
            return out;
        }
        List<Descriptor> tags = store.tags();
        List<String> broken = new ArrayList<>();
        for (Descriptor d : tags) {
            if (!store.hasBlob(d.digest())) {
                broken.add(String.valueOf(d.annotations().getOrDefault("org.opencontainers.image.ref.name", "?")));
            }
        }
        out.add(
                broken.isEmpty()
                        ? new Finding("store", Finding.Level.OK, tags.size() + " tag(s), every manifest present", "")
                        : new Finding(
                                "store",
                                Finding.Level.WARN,
                                broken.size() + " tag(s) name a manifest the store lacks: " + String.join(", ", broken),
                                "strata rmi those tags, or pull them again"));
        return out;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
