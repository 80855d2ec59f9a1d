package dev.strata.progress;

/**
 * Bytes of one blob moved so far: {@code bytes} of {@code total}; {@code complete} on the last
 * event of the transfer (a transfer that failed ends complete with {@code bytes < total}).
 */
public record BlobProgress(Transfer transfer, String digest, long bytes, long total, boolean complete)
        implements BuildEvent {
    /** The digest without its algorithm, cut to 12 hex digits as layer ids are shown. */
    public String shortDigest() {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
