package dev.strata.engine;

import dev.strata.archive.LayerEntry;
import dev.strata.archive.LayerWriter;
import dev.strata.context.CopyEntry;
import dev.strata.context.CopyPlan;
import dev.strata.context.NoSourceFilesException;
import dev.strata.context.Stager;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import dev.strata.oci.Layer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Writes the copy plans of a COPY, ADD or WORKDIR as one layer into the store. */
final class CopyLayer {
    private CopyLayer() {}

    /**
     * Stores the plans as one layer, a later entry for a path replacing an earlier one. Plain plans
     * go straight into the tar (no staging copy, no root needed for owners); plans that extract an
     * ADD archive are staged into a directory first (owners need root there).
     */
    static Layer write(ExpandedStep step, LayerWorkspace ws, List<List<CopyEntry>> plans) {
        if (plans.stream().flatMap(List::stream).noneMatch(e -> e.kind() == CopyEntry.Kind.ARCHIVE)) {
            List<LayerEntry> entries = withLine(step, () -> layerEntries(plans));
            return ws.storeLayer(
                    (out, skeleton) -> LayerWriter.writeEntries(entries, ws.layerOptions(), out, skeleton));
        }
        Path staging = ws.tempDir("copy-");
        try {
            for (List<CopyEntry> p : plans) {
                withLine(step, () -> {
                    Stager.stage(new CopyPlan(p), staging);
                    return "";
                });
            }
            return ws.storeLayer((out, skeleton) -> LayerWriter.writeTree(staging, ws.layerOptions(), out, skeleton));
        } finally {
            ScratchFiles.deleteTree(staging);
        }
    }

    /** Adds the Dockerfile line to context errors (missing sources, bad --chown, ...). */
    static <T> T withLine(ExpandedStep step, Supplier<T> body) {
        try {
            return body.get();
        } catch (NoSourceFilesException e) {
            throw new StrataException(ExitCode.INPUT, step.position() + ": " + e.getMessage());
        } catch (StrataException e) {
            if (e.getMessage().startsWith(step.position().file())) {
                throw e;
            }
            throw new StrataException(
                    e.exitCode(), step.position() + ": " + step.expanded().keyword() + " failed: " + e.getMessage(), e);
        }
    }

    /** The plans' entries for the layer writer; refuses writing through a symlink the plans create. */
    private static List<LayerEntry> layerEntries(List<List<CopyEntry>> plans) {
        List<LayerEntry> out = new ArrayList<>();
        Set<String> symlinks = new HashSet<>();
        for (CopyEntry e : plans.stream().flatMap(List::stream).toList()) {
            if (e.dest().equals("/")) {
                continue; // the root's metadata is never part of a layer
            }
            for (String d = e.dest().substring(0, e.dest().lastIndexOf('/'));
                    !d.isEmpty();
                    d = d.substring(0, d.lastIndexOf('/'))) {
                if (symlinks.contains(d)) {
                    throw StrataException.stepFailed("refusing to write " + e.dest() + " through the symlink " + d
                            + "; copy to the symlink's target path instead");
                }
            }
            LayerEntry.Type type = switch (e.kind()) {
                case DIRECTORY -> LayerEntry.Type.DIRECTORY;
                case SYMLINK -> LayerEntry.Type.SYMLINK;
                case HARDLINK -> LayerEntry.Type.HARDLINK;
                case FILE -> LayerEntry.Type.FILE;
                case ARCHIVE -> throw new IllegalStateException("archives are staged, not written directly");
            };
            if (type == LayerEntry.Type.SYMLINK) {
                symlinks.add(e.dest());
            }
            Optional<String> link = type == LayerEntry.Type.HARDLINK
                    ? e.linkTarget().map(t -> t.replaceFirst("^/+", ""))
                    : e.linkTarget();
            out.add(new LayerEntry(
                    e.dest().substring(1),
                    type,
                    e.mode(),
                    e.uid(),
                    e.gid(),
                    Math.floorDiv(e.mtimeNanos(), 1_000_000_000L),
                    e.origin().map(o -> o.file()),
                    link));
        }
        return out;
    }
}
