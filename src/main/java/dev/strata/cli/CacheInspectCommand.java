package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheRecord;
import dev.strata.cache.ImportedCache;
import dev.strata.oci.Descriptor;
import dev.strata.oci.OciJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code strata cache inspect}: the records of an exported cache, stage by stage, and its size. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "List the records of a cache: stage, instruction, layer size, created, last used; and the total.")
public final class CacheInspectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CacheArguments args = new CacheArguments();

    @Override
    public void run() {
        CacheLocation where = args.open();
        ImportedCache cache = where.read();
        PrintWriter out = spec.commandLine().getOut();
        out.print(args.json() ? json(where, cache.manifest()) : text(where, cache.manifest()));
        out.flush();
    }

    /** By stage, then in the order the records are kept (by key). */
    static List<CacheRecord> ordered(CacheManifest c) {
        List<CacheRecord> rs = new ArrayList<>(c.records());
        rs.sort(Comparator.comparing((CacheRecord r) -> r.stage().orElse("")));
        return rs;
    }

    static long totalSize(CacheManifest c) {
        return c.blobs().stream().mapToLong(Descriptor::size).sum();
    }

    private static String text(CacheLocation where, CacheManifest c) {
        StringBuilder b = new StringBuilder();
        b.append("cache ")
                .append(where.spec().location())
                .append(" ")
                .append(c.descriptor().digest())
                .append('\n');
        b.append(String.format(
                Locale.ROOT,
                "%-12s %-10s %10s %-10s %-10s %s%n",
                "STAGE",
                "LAYER",
                "SIZE",
                "CREATED",
                "LAST USED",
                "STEP"));
        for (CacheRecord r : ordered(c)) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-12s %-10s %10s %-10s %-10s %s%n",
                    r.stage().orElse("-"),
                    r.layer().map(l -> l.digest().shortHex()).orElse("-"),
                    r.layer().map(l -> human(l.size())).orElse("-"),
                    r.created().toString().substring(0, 10),
                    r.lastUsed().map(Object::toString).orElse("-"),
                    r.inputs().instruction()));
        }
        b.append(c.records().size())
                .append(" records, ")
                .append(c.blobs().size())
                .append(" blobs, ")
                .append(human(totalSize(c)))
                .append('\n');
        return b.toString();
    }

    private static String json(CacheLocation where, CacheManifest c) {
        ObjectNode o = OciJson.object();
        o.put("location", where.spec().location());
        o.put("digest", c.descriptor().digest().toString());
        ArrayNode rs = o.putArray("records");
        for (CacheRecord r : ordered(c)) {
            ObjectNode x = rs.addObject();
            x.put("stage", r.stage().orElse(""));
            x.put("instruction", r.inputs().instruction());
            x.put("key", r.key().toString());
            r.layer().ifPresent(l -> x.put("layer", l.digest().toString()).put("size", l.size()));
            x.put("created", r.created().toString());
            r.lastUsed().ifPresent(d -> x.put("lastUsed", d.toString()));
        }
        o.put("blobs", c.blobs().size());
        o.put("size", totalSize(c));
        return new String(OciJson.bytes(o), StandardCharsets.UTF_8) + "\n";
    }

    /** 1.5 MiB, 740 B: binary units, as du -h would. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
