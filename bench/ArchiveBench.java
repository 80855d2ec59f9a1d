import com.sun.management.OperatingSystemMXBean;
import dev.strata.archive.Compression;
import dev.strata.archive.LayerOptions;
import dev.strata.archive.LayerWriter;
import dev.strata.archive.WrittenLayer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Layer write of one tree by strata (LayerWriter.writeTree in this warm JVM, output discarded) and by
 * shell peers, interleaved round by round so all see the same machine load.
 * Args: TREE ROUNDS CONFIG... with CONFIG = gzip:THREADS | zstd:THREADS | "sh:LABEL=COMMAND" (the
 * command's stdout is counted and discarded). Prints per config:
 * LABEL median_s best_s median_cpu_s out_bytes digest, where digest is the blob digest (strata) or "-".
 */
public class ArchiveBench {
    static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Run(double wall, double cpu, long bytes, String digest) {}

    public static void main(String[] args) throws Exception {
        Path tree = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> configs = Arrays.asList(args).subList(2, args.length);
        strata(tree, "gzip:2"); // warm-up: JIT, zlib, page cache
        List<List<Run>> runs = new ArrayList<>();
        configs.forEach(c -> runs.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < configs.size(); i++) {
                String c = configs.get(i);
                runs.get(i).add(c.startsWith("sh:") ? shell(c.substring(3).split("=", 2)[1]) : strata(tree, c));
            }
        }
        for (int i = 0; i < configs.size(); i++) {
            String c = configs.get(i);
            List<Run> rs = runs.get(i);
            double[] wall = rs.stream().mapToDouble(Run::wall).sorted().toArray();
            double[] cpu = rs.stream().mapToDouble(Run::cpu).sorted().toArray();
            String label = c.startsWith("sh:") ? c.substring(3).split("=", 2)[0] : c;
            System.out.printf(
                    "%s %.3f %.3f %.3f %d %s%n",
                    label,
                    wall[wall.length / 2],
                    wall[0],
                    cpu[cpu.length / 2],
                    rs.get(0).bytes(),
                    rs.get(0).digest());
        }
    }

    static Run strata(Path tree, String config) {
        String[] c = config.split(":");
        LayerOptions o =
                new LayerOptions(Compression.valueOf(c[0].toUpperCase()), Optional.empty(), Integer.parseInt(c[1]));
        long c0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        WrittenLayer l = LayerWriter.writeTree(tree, o, OutputStream.nullOutputStream());
        return new Run(
                (System.nanoTime() - t0) / 1e9,
                (OS.getProcessCpuTime() - c0) / 1e9,
                l.descriptor().size(),
                l.descriptor().digest().toString());
    }

    /** Runs COMMAND | wc -c under bash's time keyword, which also reports the children's CPU. */
    static Run shell(String command) throws Exception {
        String script = "TIMEFORMAT='%U %S'; { time { " + command + " | wc -c; } ; } 2>&1";
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", script)
                .redirectErrorStream(true)
                .start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .trim()
                .split("\\s+");
        if (p.waitFor() != 0 || out.length < 3) {
            throw new IllegalStateException(command + " failed: " + String.join(" ", out));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Run(
                wall,
                Double.parseDouble(out[out.length - 2]) + Double.parseDouble(out[out.length - 1]),
                Long.parseLong(out[out.length - 3]),
                "-");
    }
}
