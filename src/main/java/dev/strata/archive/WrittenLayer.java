package dev.strata.archive;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;

/** A written layer: the descriptor of the compressed blob and the diffID of the uncompressed tar. */
public record WrittenLayer(Descriptor descriptor, Digest diffId) {}
