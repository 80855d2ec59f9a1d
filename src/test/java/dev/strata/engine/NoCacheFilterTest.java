package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --no-cache-filter}: the named stages' steps rerun, the other stages' still hit. */
class NoCacheFilterTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheNamedStagesRerun() throws Exception {
        Path home = dir.resolve("home");
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM scratch AS deps
                COPY a.txt /deps/a.txt
                FROM scratch AS tools
                COPY b.txt /tools/b.txt
                FROM scratch AS app
                COPY --from=deps /deps /deps
                COPY --from=tools /tools /tools
                COPY c.txt /c.txt
                """);
        for (String f : new String[] {"a.txt", "b.txt", "c.txt"}) {
            Files.writeString(ctx.resolve(f), f);
        }
        StrataProcess.Run r = StrataProcess.strata(home, "build", "--progress=plain", ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("0 of 5 steps cached");

        r = StrataProcess.strata(home, "build", "--progress=plain", "--no-cache-filter", "DEPS,app", ctx.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("HIT  COPY b.txt /tools/b.txt (from local)")
                .contains("MISS: --no-cache-filter deps")
                .contains("MISS: --no-cache-filter app")
                .contains("1 of 5 steps cached");

        r = StrataProcess.strata(home, "build", "--no-cache-filter", "nosuch", ctx.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("--no-cache-filter nosuch").contains("no stage of that name");
    }
}
