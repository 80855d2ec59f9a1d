package dev.strata.store;

import java.nio.file.Path;

/** Run in a child JVM by {@link TwoProcessTest}: writes one big deterministic blob many times. */
public final class BlobWriterMain {
    private BlobWriterMain() {}

    public static void main(String[] args) {
        Store s = Store.open(Path.of(args[0]));
        byte[] b = TwoProcessTest.payload();
        for (int i = 0; i < 20; i++) {
            s.putBlob("x", b);
        }
        s.tag(args[1], args[1], s.putBlob("x", b));
    }
}
