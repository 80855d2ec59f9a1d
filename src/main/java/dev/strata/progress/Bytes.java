package dev.strata.progress;

import java.util.Locale;

/** Byte counts as people read them: "512 B", "3.4 KiB", "12.0 MiB". */
public final class Bytes {
    private Bytes() {}

    public static String human(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
