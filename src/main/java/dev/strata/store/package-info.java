/** The local content store in OCI image-layout form: verified blobs, tags, unpacked-layer snapshots, locks, prune, and archive import/export. */
package dev.strata.store;
