import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.StageScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** Times parse, resolve and expand of one Dockerfile in a warm JVM; prints a markdown table. */
public class DockerfileBench {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]));
        int runs = Integer.parseInt(args[1]);
        long lines = text.lines().count();
        for (int i = 0; i < 30; i++) {
            once(text, new long[3]);
        }
        long[][] t = new long[3][runs];
        long[] total = new long[runs];
        int steps = 0;
        for (int i = 0; i < runs; i++) {
            long[] one = new long[3];
            steps = once(text, one);
            for (int k = 0; k < 3; k++) {
                t[k][i] = one[k];
            }
            total[i] = one[0] + one[1] + one[2];
        }
        Dockerfile df = Dockerfile.parse(text, "bench.Dockerfile");
        System.out.printf(
                "Input: generated Dockerfile, %d lines, %d stages, %d steps expanded (target = last stage, needs all).%n%n",
                lines, df.stages().size(), steps);
        System.out.println("| phase | median ms | p90 ms |");
        System.out.println("|---|---|---|");
        String[] names = {
            "parse (lex + typed instructions + lint)",
            "resolve (global ARGs, bases, stage graph)",
            "expand every step (scopes, ARG/ENV)"
        };
        for (int k = 0; k < 3; k++) {
            System.out.printf("| %s | %.2f | %.2f |%n", names[k], ms(t[k], 50), ms(t[k], 90));
        }
        System.out.printf("| **total** | **%.2f** | %.2f |%n", ms(total, 50), ms(total, 90));
        System.out.printf(
                "%n%d timed runs after 30 warm-up runs in one JVM (java %s).%n",
                runs, System.getProperty("java.version"));
    }

    static int once(String text, long[] out) {
        long a = System.nanoTime();
        Dockerfile df = Dockerfile.parse(text, "bench.Dockerfile");
        long b = System.nanoTime();
        BuildPlan plan = df.resolve(BuildOptions.of(Map.of("VERSION", "2"), Optional.empty()));
        long c = System.nanoTime();
        int steps = 0;
        for (ResolvedStage rs : plan.stages()) {
            StageScope s = plan.scope(rs, Map.of("PATH", "/usr/bin:/bin", "HOME", "/root"));
            for (Instruction ins : rs.stage().instructions()) {
                ExpandedStep step = s.expand(ins);
                s = step.next();
                steps++;
            }
        }
        long d = System.nanoTime();
        out[0] = b - a;
        out[1] = c - b;
        out[2] = d - c;
        return steps;
    }

    static double ms(long[] nanos, int pct) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(pct / 100.0 * s.length) - 1)] / 1e6;
    }
}
