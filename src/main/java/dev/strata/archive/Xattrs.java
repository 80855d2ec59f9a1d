package dev.strata.archive;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** Sets one extended attribute with setfattr (the JDK only reaches user.*). */
final class Xattrs {
    private Xattrs() {}

    static void set(Path p, String name, byte[] value, String what) {
        Commands.run(
                List.of(
                        "setfattr",
                        "-h",
                        "-n",
                        name,
                        "-v",
                        "0x" + HexFormat.of().formatHex(value),
                        p.toString()),
                what);
    }
}
