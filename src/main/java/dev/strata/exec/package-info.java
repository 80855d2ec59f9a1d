/** Running RUN steps: runtime detection, OCI runtime spec, overlay mounts, RUN --mount and cleanup. */
package dev.strata.exec;
