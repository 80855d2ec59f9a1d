import dev.strata.archive.Compression;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import dev.strata.archive.WrittenLayer;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Times LayerWriter.writeTree of one tree in a warm JVM, output discarded (the peers write to
 * /dev/null too). Args: TREE ROUNDS CONFIG... where CONFIG is gzip:THREADS or zstd:THREADS.
 * Prints one line per config: name best_seconds cpu_seconds_of_that_run blob_bytes blob_digest diff_id.
 */
public class ArchiveBench {
    public static void main(String[] args) {
        Path tree = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        write(tree, "gzip:2"); // warm-up: JIT, zlib, page cache
        for (int a = 2; a < args.length; a++) {
            double best = Double.MAX_VALUE;
            double cpu = 0;
            WrittenLayer l = null;
            for (int r = 0; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                l = write(tree, args[a]);
                double t = (System.nanoTime() - t0) / 1e9;
                if (t < best) {
                    best = t;
                    cpu = (os.getProcessCpuTime() - c0) / 1e9;
                }
            }
            System.out.printf("%s %.3f %.3f %d %s %s%n", args[a], best, cpu, l.descriptor().size(), l.descriptor().digest(), l.diffId());
        }
    }

    static WrittenLayer write(Path tree, String config) {
        String[] c = config.split(":");
        Compression comp = Compression.valueOf(c[0].toUpperCase());
        return LayerWriter.writeTree(tree, new LayerOptions(comp, Optional.empty(), Integer.parseInt(c[1])),
                OutputStream.nullOutputStream());
    }
}
