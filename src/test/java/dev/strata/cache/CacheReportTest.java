package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Digest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheReportTest {
    static final Digest L = Digest.parse("sha256:" + "ab".repeat(32));

    final CacheReport report = new CacheReport(List.of(
            new CacheReport.Entry(2, "RUN pip install", true, Optional.of("local"), Optional.empty(), Optional.of(L)),
            new CacheReport.Entry(
                    3,
                    "COPY . /app",
                    false,
                    Optional.empty(),
                    Optional.of("file /app/run_test.py changed"),
                    Optional.empty())));

    @Test
    void rendersText() {
        assertThat(report.toText())
                .isEqualTo("#2 HIT  RUN pip install (from local) layer abababababab\n"
                        + "#3 MISS COPY . /app (file /app/run_test.py changed)\n"
                        + "1 of 2 steps cached\n");
    }

    @Test
    void rendersJson() {
        assertThat(report.toJson())
                .isEqualTo("{\"steps\":["
                        + "{\"id\":2,\"instruction\":\"RUN pip install\",\"hit\":true,\"source\":\"local\",\"layer\":\""
                        + L + "\"},"
                        + "{\"id\":3,\"instruction\":\"COPY . /app\",\"hit\":false,\"reason\":\"file /app/run_test.py changed\"}],"
                        + "\"hits\":1,\"total\":2}");
    }
}
