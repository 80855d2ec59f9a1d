package dev.strata.store;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of temp files and dirs in a store that carry their writer's pid ({@code blob-pid1234-UUID}),
 * so that {@code strata prune} can tell a killed writer's leftovers (remove now, whatever their age)
 * from a running writer's (keep). A pid that was reused since only delays the removal to the age rule.
 */
public final class TempNames {
    /** {@code NAME-pidN-...} as made here, or {@code .tmp-N-...} as {@link Snapshots} names its dirs. */
    private static final Pattern OWNER = Pattern.compile("(?:[A-Za-z]+-pid|\\.tmp-)(\\d{1,10})-.*");

    private TempNames() {}

    /** A fresh name: {@code prefix-pidN-UUID}. */
    public static String of(String prefix) {
        return prefix(prefix) + UUID.randomUUID();
    }

    /** {@code prefix-pidN-}, for {@link java.nio.file.Files#createTempDirectory} and the like. */
    public static String prefix(String prefix) {
        return prefix + "-pid" + ProcessHandle.current().pid() + "-";
    }

    /** True when {@code name} carries a pid and no process with that pid runs any more. */
    public static boolean writerGone(String name) {
        return owner(name)
                .map(pid -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .orElse(false);
    }

    static Optional<Long> owner(String name) {
        Matcher m = OWNER.matcher(name);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }
}
