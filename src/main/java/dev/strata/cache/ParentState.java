package dev.strata.cache;

import dev.strata.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The digest naming what a step can observe of its parent: the layer diffIDs and the config fields
 * a step sees (env, workdir, user, shell...). Timestamps and history are left out on purpose so a
 * re-run producing identical content lets later steps still hit (early cutoff).
 */
public final class ParentState {
    private ParentState() {}

    /** canonicalConfigSubset: canonical JSON of only the step-observable config fields. */
    public static String of(List<Digest> diffIds, byte[] canonicalConfigSubset) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] head = ("strata-parent-v1\n" + diffIds.size() + "\n").getBytes(StandardCharsets.UTF_8);
        b.writeBytes(head);
        for (Digest d : diffIds) {
            b.writeBytes((d + "\n").getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(canonicalConfigSubset);
        return Digest.sha256(b.toByteArray()).toString();
    }
}
