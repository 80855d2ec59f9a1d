package dev.strata.archive;

/**
 * What the extractor does with OCI whiteouts: APPLY deletes what {@code .wh.} names; OVERLAY writes
 * overlayfs whiteouts (0/0 char device, opaque xattr) so the result can serve as a lowerdir.
 */
public enum WhiteoutMode {
    APPLY,
    OVERLAY
}
