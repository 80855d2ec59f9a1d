package dev.strata.exec;

import java.util.List;

/**
 * What {@link Doctor} found: the mode RUN steps will use, whether they get overlayfs (else the
 * rootfs is copied and compared), and every finding on the way.
 */
public record Diagnosis(RunMode mode, boolean overlay, List<Finding> findings) {
    public Diagnosis {
        findings = List.copyOf(findings);
    }

    /** The mode and how layers are taken, for progress output. */
    public String summary() {
        if (!mode.canRun()) {
            return mode.describe();
        }
        return mode.describe()
                + (mode instanceof RunMode.NoNamespaces
                        ? ""
                        : overlay
                                ? "; layers from overlayfs"
                                : "; no overlayfs here: the rootfs is copied, layers by comparing trees");
    }
}
