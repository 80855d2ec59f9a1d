package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.cache.CacheManifest;
import dev.strata.cache.CacheMerge;
import dev.strata.cache.CacheRetention;
import dev.strata.cache.CacheSpec;
import dev.strata.cache.ImportedCache;
import dev.strata.oci.OciJson;
import dev.strata.store.LayoutSweep;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata cache prune}: applies the retention an export applies, now: records unused for
 * longer than max-age go, then the least recently used beyond max-size. A directory cache also loses
 * the blobs no manifest of it lists any more.
 */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = "Drop the records of a cache unused for --max-age or beyond --max-size, as an export would.")
public final class CachePruneCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CacheArguments args = new CacheArguments();

    @CommandLine.Option(
            names = "--max-age",
            paramLabel = "AGE",
            description = "drop records not used for this long: 12h, 14d, 2w (default 14d)")
    Optional<String> maxAge = Optional.empty();

    @CommandLine.Option(
            names = "--max-size",
            paramLabel = "SIZE",
            description = "then drop the least recently used records until the blobs fit: 500m, 10g (default 10g)")
    Optional<String> maxSize = Optional.empty();

    @Override
    public void run() {
        CacheRetention retention = CacheRetention.DEFAULT;
        if (maxAge.isPresent()) {
            retention = retention.withMaxAge(CacheRetention.parseAge(maxAge.get(), "--max-age"));
        }
        if (maxSize.isPresent()) {
            retention = retention.withMaxSize(CacheRetention.parseSize(maxSize.get(), "--max-size"));
        }
        CacheLocation where = args.open();
        ImportedCache before = where.read();
        CacheMerge.Result kept = CacheMerge.merge(
                List.of(), Map.of(), List.of(before.manifest()), LocalDate.now(Clock.systemUTC()), retention);
        CacheManifest after = CacheManifest.of(kept.records(), kept.skeletons(), kept.mounts(), Optional.empty());
        boolean written = where.write(after, before.origin());
        int swept = where.spec().type() == CacheSpec.Type.LOCAL
                ? LayoutSweep.sweep(where.spec().directory(), Duration.ofMinutes(10))
                : 0;
        PrintWriter out = spec.commandLine().getOut();
        if (args.json()) {
            ObjectNode o = OciJson.object();
            o.put("location", where.spec().location())
                    .put("kept", kept.mergedIn())
                    .put("dropped", kept.dropped())
                    .put("size", CacheInspectCommand.totalSize(after))
                    .put("digest", after.descriptor().digest().toString())
                    .put("changed", written)
                    .put("blobsRemoved", swept);
            out.println(new String(OciJson.bytes(o), StandardCharsets.UTF_8));
        } else {
            out.printf(
                    "cache %s: kept %d records (%s), dropped %d (%s)%s%n",
                    where.spec().location(),
                    kept.mergedIn(),
                    CacheInspectCommand.human(CacheInspectCommand.totalSize(after)),
                    kept.dropped(),
                    retention.describe(),
                    swept > 0 ? "; removed " + swept + " unlisted blobs" : "");
        }
        out.flush();
    }
}
