package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.nio.file.Path;

/** Run in a child JVM by {@link SnapshotsTest}: makes one snapshot and prints its directory. */
public final class SnapshotMakerMain {
    private SnapshotMakerMain() {}

    /** Arguments: store dir, media type, blob digest, blob size, diffID. */
    public static void main(String[] args) {
        Store s = Store.open(Path.of(args[0]));
        Descriptor d = new Descriptor(args[1], Digest.parse(args[2]), Long.parseLong(args[3]));
        System.out.println(new Snapshots(s).snapshot(s.blobSource().layer(d, Digest.parse(args[4]))));
    }
}
