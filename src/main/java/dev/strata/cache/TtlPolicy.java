package dev.strata.cache;

import dev.strata.error.StrataException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The build's {@code --cache-ttl} values: a default for every RUN ({@code --cache-ttl 7d}) and one
 * per stage ({@code --cache-ttl base=24h}, the stage's name or {@code stage-N}); a step's own
 * {@code # strata:ttl=} comment wins over both.
 */
public record TtlPolicy(Optional<Ttl> all, Map<String, Ttl> byStage) {
    public TtlPolicy {
        byStage = Map.copyOf(byStage);
    }

    public static TtlPolicy none() {
        return new TtlPolicy(Optional.empty(), Map.of());
    }

    /** Parses the {@code --cache-ttl} values, in order (a later one for the same target wins). */
    public static TtlPolicy parse(List<String> values) {
        Optional<Ttl> all = Optional.empty();
        Map<String, Ttl> byStage = new LinkedHashMap<>();
        for (String v : values) {
            String what = "--cache-ttl \"" + v + "\"";
            int eq = v.indexOf('=');
            if (eq < 0) {
                all = Optional.of(Ttl.parse(v, what));
            } else {
                String stage = v.substring(0, eq).trim();
                if (stage.isEmpty()) {
                    throw StrataException.input(what + ": the stage name is missing; use --cache-ttl DUR or"
                            + " --cache-ttl STAGE=DUR, as in --cache-ttl base=24h");
                }
                byStage.put(stage, Ttl.parse(v.substring(eq + 1), what));
            }
        }
        return new TtlPolicy(all, byStage);
    }

    /** The ttl a RUN of {@code stage} gets when it has no comment of its own. */
    public Optional<Ttl> forRun(String stage) {
        Ttl t = byStage.get(stage);
        return t != null ? Optional.of(t) : all;
    }
}
